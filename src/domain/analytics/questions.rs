//! Advice questions' analytics (issue 16), the pure part. A question is a referral row of
//! kind advice, but it counts apart: none of the referral metrics (a question answered is
//! no referral completed), and none of the clock's either (its level is a week, not a
//! referral's triage time). Its own counters belong, like the others, to the week the
//! question was submitted: asked, answered (with the hours to the answer), converted by
//! the specialist, and referred (a referral made from it was sent). Shares are worked out
//! from the sums.

use chrono::NaiveDateTime;

use super::{
    Contribution, Metric, bucket_hours, contribution, difference, hours_between, percent,
    percentile,
};
use crate::domain::referral::Status;

/// How a referral came out of a question (the `questions.made_how` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Made {
    /// The specialist turned the question into a referral to themselves.
    Converted,
    /// The answer recommended a referral and the sender sent it.
    Recommended,
}

impl Made {
    /// The stored value (`questions.made_how`, and the `Referred` counter's detail).
    pub fn as_str(self) -> &'static str {
        match self {
            Made::Converted => "converted",
            Made::Recommended => "recommended",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Made> {
        [Made::Converted, Made::Recommended]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// What a question's own counters depend on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionTimes {
    pub submitted_at: Option<NaiveDateTime>,
    /// When the specialist got it (the time to answer runs from here).
    pub received_at: Option<NaiveDateTime>,
    /// When it was answered with advice.
    pub answered_at: Option<NaiveDateTime>,
    /// Whether the specialist turned it into a referral.
    pub converted: bool,
}

impl QuestionTimes {
    /// A question's times from its row: an answer or a conversion both set `completed_at`,
    /// so the status says which it was.
    pub fn of(
        status: Status,
        submitted_at: Option<NaiveDateTime>,
        received_at: Option<NaiveDateTime>,
        completed_at: Option<NaiveDateTime>,
    ) -> QuestionTimes {
        QuestionTimes {
            submitted_at,
            received_at,
            answered_at: completed_at.filter(|_| status == Status::Answered),
            converted: status == Status::Converted,
        }
    }
}

/// The counters a question in this state adds 1 to. A draft adds nothing. A conversion
/// makes its referral in the same move, so it counts as referred at once; a recommended
/// referral counts only when the sender sends it ([`referred`]).
pub fn contributions(q: &QuestionTimes) -> Vec<Contribution> {
    let Some(submitted) = q.submitted_at else {
        return Vec::new();
    };
    let cohort = submitted.date();
    let mut out = vec![contribution(cohort, Metric::Asked, "", 0)];
    if let Some(answered) = q.answered_at {
        out.push(contribution(cohort, Metric::Answered, "", 0));
        let from = q.received_at.unwrap_or(submitted);
        let h = bucket_hours(hours_between(from, answered));
        out.push(contribution(cohort, Metric::TimeToAnswer, "", h));
    }
    if q.converted {
        out.push(contribution(cohort, Metric::Converted, "", 0));
        out.push(referred(submitted, Made::Converted));
    }
    out
}

/// What a question's change from `before` to `after` does to its counters.
pub fn deltas(before: &QuestionTimes, after: &QuestionTimes) -> Vec<(Contribution, i64)> {
    difference(contributions(before), contributions(after))
}

/// The `Referred` counter of a question submitted at `submitted`, for a referral made
/// from it `how`.
pub fn referred(submitted: NaiveDateTime, how: Made) -> Contribution {
    contribution(submitted.date(), Metric::Referred, how.as_str(), 0)
}

/// The question figures of one side (the questions someone asked, or was asked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionLine {
    pub asked: i64,
    pub answered: i64,
    pub converted: i64,
    /// Answered questions whose recommended referral was sent.
    pub referred_after_answer: i64,
    /// Median hours from reaching the specialist to the answer (a bucket's lower edge).
    pub answer_median: Option<i64>,
    /// Answered without a referral ÷ answered, in percent.
    pub without_referral: Option<i64>,
    /// Converted ÷ decided (answered or converted), in percent.
    pub converted_share: Option<i64>,
}

/// One side's line from its summed question counters: (metric, detail, bucket, n).
pub fn question_line(sums: &[(Metric, String, i64, i64)]) -> QuestionLine {
    let mut l = QuestionLine::default();
    let mut hist = Vec::new();
    for (metric, detail, bucket, n) in sums {
        match metric {
            Metric::Asked => l.asked += n,
            Metric::Answered => l.answered += n,
            Metric::Converted => l.converted += n,
            Metric::TimeToAnswer => hist.push((*bucket, *n)),
            Metric::Referred if Made::parse(detail) == Some(Made::Recommended) => {
                l.referred_after_answer += n;
            }
            _ => {}
        }
    }
    l.answer_median = percentile(&hist, 50);
    l.without_referral = percent(l.answered - l.referred_after_answer, l.answered);
    l.converted_share = percent(l.converted, l.answered + l.converted);
    l
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, d)
            .and_then(|d| d.and_hms_opt(h, 0, 0))
            .unwrap()
    }

    fn asked() -> QuestionTimes {
        QuestionTimes::of(Status::Sent, Some(at(3, 9)), Some(at(3, 9)), None)
    }

    #[test]
    fn the_status_says_whether_a_completion_was_an_answer_or_a_conversion() {
        let answered = QuestionTimes::of(
            Status::Answered,
            Some(at(3, 9)),
            Some(at(3, 9)),
            Some(at(4, 14)),
        );
        assert_eq!(answered.answered_at, Some(at(4, 14)));
        assert!(!answered.converted);
        let converted = QuestionTimes::of(
            Status::Converted,
            Some(at(3, 9)),
            Some(at(3, 9)),
            Some(at(4, 14)),
        );
        assert_eq!(converted.answered_at, None);
        assert!(converted.converted);
        assert!(
            contributions(&QuestionTimes::default()).is_empty(),
            "a draft"
        );
    }

    #[test]
    fn an_answer_counts_in_the_week_asked_with_its_hours() {
        // Asked Tuesday 3 March (week of Monday 2 March), answered 29 hours later.
        let before = asked();
        let after = QuestionTimes {
            answered_at: Some(at(4, 14)),
            ..before.clone()
        };
        let d = deltas(&before, &after);
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|(c, n)| *n == 1 && c.week == "2026-03-02"));
        assert!(d.iter().any(|(c, _)| c.metric == Metric::Answered));
        assert!(
            d.iter()
                .any(|(c, _)| c.metric == Metric::TimeToAnswer && c.bucket == 29)
        );
        let sent = deltas(&QuestionTimes::default(), &before);
        assert_eq!(sent.len(), 1);
        assert_eq!((sent[0].0.metric, sent[0].1), (Metric::Asked, 1));
    }

    #[test]
    fn a_conversion_is_referred_at_once_and_a_recommendation_only_when_sent() {
        let before = asked();
        let after = QuestionTimes {
            converted: true,
            ..before.clone()
        };
        let d = deltas(&before, &after);
        let metrics: Vec<(Metric, &str)> = d
            .iter()
            .map(|(c, _)| (c.metric, c.detail.as_str()))
            .collect();
        assert_eq!(
            metrics,
            vec![(Metric::Converted, ""), (Metric::Referred, "converted")]
        );
        let r = referred(at(3, 9), Made::Recommended);
        assert_eq!(
            (r.metric, r.detail.as_str()),
            (Metric::Referred, "recommended")
        );
        assert_eq!(r.week, "2026-03-02");
        assert_eq!(Made::parse("converted"), Some(Made::Converted));
        assert_eq!(Made::parse("other"), None);
    }

    #[test]
    fn shares_are_of_the_answered_and_of_the_decided() {
        let s = |m: Metric, detail: &str, bucket: i64, n: i64| (m, detail.to_string(), bucket, n);
        // 5 asked; 3 answered (in 2, 5 and 30 h), one of them then referred as
        // recommended; 1 converted; 1 still open.
        let sums = vec![
            s(Metric::Asked, "", 0, 5),
            s(Metric::Answered, "", 0, 3),
            s(Metric::TimeToAnswer, "", 2, 1),
            s(Metric::TimeToAnswer, "", 5, 1),
            s(Metric::TimeToAnswer, "", 30, 1),
            s(Metric::Converted, "", 0, 1),
            s(Metric::Referred, "converted", 0, 1),
            s(Metric::Referred, "recommended", 0, 1),
            s(Metric::Sent, "", 0, 9),
        ];
        let l = question_line(&sums);
        assert_eq!((l.asked, l.answered, l.converted), (5, 3, 1));
        assert_eq!(l.referred_after_answer, 1);
        assert_eq!(l.answer_median, Some(5));
        assert_eq!(l.without_referral, Some(67), "2 of 3 answered");
        assert_eq!(l.converted_share, Some(25), "1 of 4 decided");
        let none = question_line(&[]);
        assert_eq!((none.answer_median, none.without_referral), (None, None));
        assert_eq!(none.converted_share, None);
    }
}
