## Due times (issue 14): when the party whose turn it is must act.

# A due time in words; $count is a whole number of hours or days.
due-in-hours = { $count ->
        [one] due in { $count } hour
       *[other] due in { $count } hours
    }
due-in-days = { $count ->
        [one] due in { $count } day
       *[other] due in { $count } days
    }
overdue-hours = { $count ->
        [one] { $count } hour overdue
       *[other] { $count } hours overdue
    }
overdue-days = { $count ->
        [one] { $count } day overdue
       *[other] { $count } days overdue
    }

# The lists' filter and sort on due times.
due-filter = When due
due-filter-any = Any time
due-filter-overdue = Overdue
due-filter-today = Due today
due-sort-overdue = Most overdue first
sent-sort = Sort
sent-sort-latest = Latest change first
sent-filter = Show
due-counts = Due times
due-col-turn = Whose turn and when

# What a patient is asked to do, when it is their turn; $date is a day ("Monday 7 December 2026").
due-patient-approve-by = Please approve or decline this referral by { $date }.
due-patient-book-by = Please book your visit by { $date }.
