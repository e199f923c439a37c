## Advice questions (issue 16): what the patient reads about a question their doctor asked a
## specialist, and about advice their doctor passed on.

patient-status-advice-asked = Your doctor asked { $receiver } for advice
patient-status-advice-answered = Advice received
patient-status-advice-converted = Turned into a referral to { $receiver }
patient-event-answered = The specialist answered your doctor's question
patient-event-converted = The specialist will see you: the question became a referral
patient-event-advice-shared = Your doctor sent you the specialist's advice
notice-advice-answered = A specialist answered your doctor's question about you.
notice-advice-converted = A specialist your doctor asked for advice will see you: the question became a referral.
notice-advice-shared = Your doctor sent you a specialist's advice.

## Asking (referrals/search.html, referrals/compose.html, the profile's menu)

profile-ask-advice = Ask a specialist for advice
ask-crumb = Ask for advice
ask-crumb-question = Question
# $name: the patient's full name
ask-search-title = Ask a specialist about { $name }
ask-search-lead = The specialist answers your question without taking the patient over. If they need to see the patient, they can turn the question into a referral (if you allow it) or recommend one.
# $name: the specialist's name
ask-search-choose = Ask { $name }
# $name: the patient's full name
ask-title = Ask for advice about { $name }
ask-lead = A question, not a referral: the patient stays with you. The same snapshot, consent and doctor-only rules apply.
ask-question = Your question
ask-convert-heading = If the specialist should see the patient
ask-may-convert = The specialist may turn this question into a referral to them
ask-may-convert-hint = Ticked, they can accept the patient (or ask to see them first) in one step, with this snapshot. Unticked, they can only recommend a referral, which you then send in one click.
ask-send = Send the question

## The referral page: questions, answers and returned referrals

status-asked = Asked
status-answered = Answered
status-converted = Turned into a referral
status-returned = Returned with advice
ref-kind-advice = Advice question
ref-answer-heading = The specialist's advice
ref-returned-heading = Returned with advice
ref-answer-recommends = The specialist recommends a referral to them.
# $name: the specialist's name
ref-send-recommended-hint = Sends a referral to { $name } with this question's snapshot, reason and consent.
ref-send-recommended = Send the recommended referral
ref-share-advice-hint = The patient has not been told that the referral was returned. Send them the advice, or redirect the referral to someone else.
ref-share-advice = Send this advice to the patient
ref-advice-shared = The patient has this advice.
ref-from-question = This referral started as an advice question: open the question
ref-made-converted = The specialist turned this question into a referral: open the referral
ref-made-recommended = You sent the recommended referral: open the referral

## Commands (referrals/commands.html)

cmd-answer-heading = Answer with advice
cmd-advice-files = Files with your advice (optional)
cmd-answer-label = Your advice
cmd-answer-recommend = I recommend a referral to me (the referrer sends it in one click)
cmd-answer = Send the advice
cmd-convert-summary = Turn into a referral to me
cmd-convert-start = The referral starts as
cmd-convert-accept = Accepted: I take the patient over
cmd-convert-visit = Visit required: I want to see the patient first
cmd-convert-hint = The referral carries this question's snapshot and consent; the referrer and the patient are told.
cmd-convert = Turn into a referral
cmd-return-summary = Return with advice
cmd-return-label = Advice for the referrer
cmd-return-untold = The referral closes as returned. The referrer gets your advice and may pass it on to the patient or refer elsewhere; the patient is not told by us.
cmd-return = Return with advice
ref-question = Question
