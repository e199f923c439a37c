## Due times (issue 14): when the party whose turn it is must act.

due-in-hours = { $count ->
        [one] { $count } घंटे में देय
       *[other] { $count } घंटों में देय
    }
due-in-days = { $count ->
        [one] { $count } दिन में देय
       *[other] { $count } दिनों में देय
    }
overdue-hours = { $count ->
        [one] { $count } घंटे से अतिदेय
       *[other] { $count } घंटों से अतिदेय
    }
overdue-days = { $count ->
        [one] { $count } दिन से अतिदेय
       *[other] { $count } दिनों से अतिदेय
    }

due-filter = कब देय
due-filter-any = कभी भी
due-filter-overdue = अतिदेय
due-filter-today = आज देय
due-sort-overdue = सबसे ज़्यादा अतिदेय पहले
sent-sort = क्रम
sent-sort-latest = सबसे हाल का बदलाव पहले
sent-filter = दिखाएँ
due-counts = देय समय
due-col-turn = किसकी बारी और कब तक

due-patient-approve-by = कृपया { $date } तक इस रेफ़रल को स्वीकृत या अस्वीकार करें।
due-patient-book-by = कृपया { $date } तक अपनी मुलाक़ात बुक करें।
