## Due times (issue 14): when the party whose turn it is must act.

due-in-hours = { $count ->
        [one] { $count } तासात देय
       *[other] { $count } तासांत देय
    }
due-in-days = { $count ->
        [one] { $count } दिवसात देय
       *[other] { $count } दिवसांत देय
    }
overdue-hours = { $count ->
        [one] { $count } तास उशीर (मुदत उलटली)
       *[other] { $count } तास उशीर (मुदत उलटली)
    }
overdue-days = { $count ->
        [one] { $count } दिवस उशीर (मुदत उलटली)
       *[other] { $count } दिवस उशीर (मुदत उलटली)
    }

due-filter = मुदत कधी
due-filter-any = केव्हाही
due-filter-overdue = मुदत उलटलेले
due-filter-today = आज मुदत
due-sort-overdue = सर्वाधिक मुदत उलटलेले आधी
sent-sort = क्रम
sent-sort-latest = सर्वात अलीकडचा बदल आधी
sent-filter = दाखवा
due-counts = मुदती
due-col-turn = कोणाची पाळी आणि कधीपर्यंत

due-patient-approve-by = कृपया { $date } पर्यंत हा रेफरल मंजूर किंवा नामंजूर करा.
due-patient-book-by = कृपया { $date } पर्यंत तुमची भेट बुक करा.
