//! Advice questions' analytics (issue 16): questions asked and answered, the median time to
//! an answer, the share answered without a referral and the share converted, for the
//! questions a scope asked and the ones it was asked. The counters are kept in the same
//! transaction as each move (see [`crate::domain::analytics::questions`]) and read as sums.
//! A leaf: the analytics service asks it.

use crate::db::DbConn;
use crate::db::analytics::Scope;
use crate::db::question_analytics::{self as q, Origin, Side};
use crate::db::referrals::{Referral, TransitionChanges};
use crate::domain::analytics::questions::{self as rules, Made, QuestionLine, QuestionTimes};
use crate::domain::analytics::{Contribution, Metric};
use crate::error::AppResult;

/// What a question's move from `before` by `changes` does to the question counters.
pub fn deltas(before: &Referral, changes: &TransitionChanges) -> Vec<(Contribution, i64)> {
    let old = QuestionTimes::of(
        before.status,
        before.submitted_at,
        before.received_at,
        before.completed_at,
    );
    let new = QuestionTimes::of(
        changes.status.unwrap_or(before.status),
        changes.submitted_at.or(before.submitted_at),
        changes.received_at.or(before.received_at),
        changes.completed_at.or(before.completed_at),
    );
    rules::deltas(&old, &new)
}

/// When a referral is sent for the first time and it is the one an answer recommended, the
/// question's `Referred` counter and whose it is (the question's people and week). Counted
/// at the send, not when the sender's click made the draft: a draft the machine refused to
/// send (consent withdrawn, a duplicate) made no referral yet. A converted question counts
/// with its conversion instead.
pub fn referred_by_send(
    c: &mut DbConn,
    before: &Referral,
    changes: &TransitionChanges,
) -> AppResult<Option<(Contribution, Origin)>> {
    if before.kind.is_question() || before.submitted_at.is_some() || changes.submitted_at.is_none()
    {
        return Ok(None);
    }
    let Some(o) = q::origin_of(c, &before.id)? else {
        return Ok(None);
    };
    if Made::parse(&o.made_how) != Some(Made::Recommended) {
        return Ok(None);
    }
    Ok(Some((
        rules::referred(o.submitted_at, Made::Recommended),
        o,
    )))
}

/// The question figures of a report.
#[derive(Debug, Clone, Default)]
pub struct QuestionFigures {
    /// The questions the scope asked.
    pub asked: QuestionLine,
    /// The questions the scope was asked.
    pub asked_of: QuestionLine,
}

/// The figures for the questions asked in weeks [from, to], by and of the scope.
pub fn figures(
    c: &mut DbConn,
    scope: Scope<'_>,
    from: &str,
    to: &str,
) -> AppResult<QuestionFigures> {
    let mut line = |side: Side| -> AppResult<QuestionLine> {
        let sums: Vec<(Metric, String, i64, i64)> = q::sums(c, scope, side, from, to)?
            .into_iter()
            .filter_map(|s| Metric::parse(&s.metric).map(|m| (m, s.detail, s.bucket, s.n)))
            .collect();
        Ok(rules::question_line(&sums))
    };
    Ok(QuestionFigures {
        asked: line(Side::Asked)?,
        asked_of: line(Side::AskedOf)?,
    })
}
