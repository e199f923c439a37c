//! The clinic and practitioner rollups, the pure part (issue 18): every change to a weekly
//! counter of a (sender, receiver) pair also changes the same counter of the sender's
//! clinic (its sent side) and of the receiver's clinic (its received side), the same
//! counter of the sender and of the receiver themselves (without the other end), and, for
//! the metrics the "top" tables rank by, the counter of the (sender's clinic, receiver)
//! pair. A clinic's or a practitioner's totals then sum rows bounded by weeks × metrics ×
//! buckets (and, for the tops, × the receivers referred to), never by how many people
//! were at the other end or by the history.
//! Here: which rollup counters one counter change moves, gathered in a stable order (the
//! order the database writes them in, so concurrent writers take row locks alike).

use std::collections::BTreeMap;

use super::Metric;

/// Which side of its referrals a clinic's rollup counter counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    /// The referrals (and questions) the clinic's practitioners sent.
    Sent,
    /// The referrals (and questions) sent to the clinic's practitioners.
    Received,
}

impl Side {
    /// The value stored in `clinic_stats.side`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Sent => "sent",
            Side::Received => "received",
        }
    }
}

/// The metrics the per-receiver rollup keeps: what the top specialists and top clinics
/// tables rank and show (sent, accepted, time to accept) and the clock's triage per
/// receiver. Every other metric is read per clinic only.
pub const PER_RECEIVER: [Metric; 4] = [
    Metric::Sent,
    Metric::Accepted,
    Metric::TimeToAccept,
    Metric::Triaged,
];

/// One change to a pair's counter, with the clinics that counter row carries (the ones it
/// was created with: a later change adds to the same row, so the rollup follows the row,
/// not where the people are now).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairChange<'a> {
    pub week: &'a str,
    pub sender_id: &'a str,
    pub sender_clinic_id: &'a str,
    pub receiver_id: &'a str,
    pub receiver_clinic_id: &'a str,
    pub metric: Metric,
    pub detail: &'a str,
    pub bucket: i64,
    pub n: i64,
}

/// A clinic's counter: fields in the order of the table's key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClinicKey {
    pub clinic_id: String,
    pub side: Side,
    pub metric: Metric,
    pub week: String,
    pub detail: String,
    pub bucket: i64,
}

/// A practitioner's counter, summed over whoever was at the other end: fields in the
/// order of the table's key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PractitionerKey {
    pub user_id: String,
    pub side: Side,
    pub metric: Metric,
    pub week: String,
    pub detail: String,
    pub bucket: i64,
}

/// A (sender's clinic, receiver) counter: fields in the order of the table's key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReceiverKey {
    pub sender_clinic_id: String,
    pub metric: Metric,
    pub week: String,
    pub receiver_id: String,
    pub receiver_clinic_id: String,
    pub detail: String,
    pub bucket: i64,
}

/// The rollup changes of a batch of pair counter changes, each counter once with its net
/// change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rollup {
    clinics: BTreeMap<ClinicKey, i64>,
    practitioners: BTreeMap<PractitionerKey, i64>,
    receivers: BTreeMap<ReceiverKey, i64>,
}

impl Rollup {
    /// Adds what one pair counter change does to the rollup.
    pub fn add(&mut self, c: &PairChange<'_>) {
        for (clinic, side) in [
            (c.sender_clinic_id, Side::Sent),
            (c.receiver_clinic_id, Side::Received),
        ] {
            let key = ClinicKey {
                clinic_id: clinic.to_string(),
                side,
                metric: c.metric,
                week: c.week.to_string(),
                detail: c.detail.to_string(),
                bucket: c.bucket,
            };
            *self.clinics.entry(key).or_default() += c.n;
        }
        for (user, side) in [(c.sender_id, Side::Sent), (c.receiver_id, Side::Received)] {
            let key = PractitionerKey {
                user_id: user.to_string(),
                side,
                metric: c.metric,
                week: c.week.to_string(),
                detail: c.detail.to_string(),
                bucket: c.bucket,
            };
            *self.practitioners.entry(key).or_default() += c.n;
        }
        if PER_RECEIVER.contains(&c.metric) {
            let key = ReceiverKey {
                sender_clinic_id: c.sender_clinic_id.to_string(),
                metric: c.metric,
                week: c.week.to_string(),
                receiver_id: c.receiver_id.to_string(),
                receiver_clinic_id: c.receiver_clinic_id.to_string(),
                detail: c.detail.to_string(),
                bucket: c.bucket,
            };
            *self.receivers.entry(key).or_default() += c.n;
        }
    }

    /// The clinic counters that change, in key order, without the ones whose changes
    /// cancel out.
    pub fn clinic_changes(&self) -> impl Iterator<Item = (&ClinicKey, i64)> {
        self.clinics
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|(k, n)| (k, *n))
    }

    /// The practitioner counters that change, in key order, without the ones whose changes
    /// cancel out.
    pub fn practitioner_changes(&self) -> impl Iterator<Item = (&PractitionerKey, i64)> {
        self.practitioners
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|(k, n)| (k, *n))
    }

    /// The (sender's clinic, receiver) counters that change, in key order, without the ones
    /// whose changes cancel out.
    pub fn receiver_changes(&self) -> impl Iterator<Item = (&ReceiverKey, i64)> {
        self.receivers
            .iter()
            .filter(|(_, n)| **n != 0)
            .map(|(k, n)| (k, *n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change<'a>(metric: Metric, bucket: i64, n: i64) -> PairChange<'a> {
        PairChange {
            week: "2026-11-16",
            sender_id: "asha",
            sender_clinic_id: "lakeside",
            receiver_id: "farah",
            receiver_clinic_id: "harbour",
            metric,
            detail: "",
            bucket,
            n,
        }
    }

    #[test]
    fn a_change_counts_for_both_clinics_and_the_receiver_when_ranked() {
        let mut r = Rollup::default();
        r.add(&change(Metric::TimeToAccept, 5, 1));
        let clinics: Vec<_> = r
            .clinic_changes()
            .map(|(k, n)| (k.clinic_id.as_str(), k.side, k.bucket, n))
            .collect();
        assert_eq!(
            clinics,
            [
                ("harbour", Side::Received, 5, 1),
                ("lakeside", Side::Sent, 5, 1)
            ]
        );
        let receivers: Vec<_> = r
            .receiver_changes()
            .map(|(k, n)| (k.sender_clinic_id.as_str(), k.receiver_id.as_str(), n))
            .collect();
        assert_eq!(receivers, [("lakeside", "farah", 1)]);
        let people: Vec<_> = r
            .practitioner_changes()
            .map(|(k, n)| (k.user_id.as_str(), k.side, k.bucket, n))
            .collect();
        assert_eq!(
            people,
            [("asha", Side::Sent, 5, 1), ("farah", Side::Received, 5, 1)]
        );
    }

    #[test]
    fn metrics_no_top_table_ranks_by_stay_out_of_the_receiver_rollup() {
        let mut r = Rollup::default();
        for m in [
            Metric::Received,
            Metric::Reached,
            Metric::Open,
            Metric::InState,
            Metric::Asked,
        ] {
            r.add(&change(m, 0, 1));
        }
        assert_eq!(r.receiver_changes().count(), 0);
        assert_eq!(r.clinic_changes().count(), 10, "five metrics, two sides");
    }

    #[test]
    fn changes_to_one_counter_add_up_and_cancelling_ones_vanish() {
        let mut r = Rollup::default();
        r.add(&change(Metric::Sent, 0, 1));
        r.add(&change(Metric::Sent, 0, 2));
        r.add(&change(Metric::Open, 0, 1));
        r.add(&change(Metric::Open, 0, -1));
        let sent: Vec<i64> = r.clinic_changes().map(|(_, n)| n).collect();
        assert_eq!(sent, [3, 3]);
        assert!(r.clinic_changes().all(|(k, _)| k.metric == Metric::Sent));
        let mut none = Rollup::default();
        none.add(&change(Metric::Accepted, 0, 1));
        none.add(&change(Metric::Accepted, 0, -1));
        assert_eq!(none.clinic_changes().count(), 0);
        assert_eq!(none.practitioner_changes().count(), 0);
        assert_eq!(none.receiver_changes().count(), 0);
    }

    #[test]
    fn changes_come_out_in_key_order_whatever_order_they_went_in() {
        let (mut a, mut b) = (Rollup::default(), Rollup::default());
        let changes = [
            change(Metric::Sent, 0, 1),
            PairChange {
                sender_clinic_id: "harbour",
                receiver_clinic_id: "lakeside",
                receiver_id: "asha",
                ..change(Metric::Accepted, 0, 1)
            },
            PairChange {
                week: "2026-11-09",
                ..change(Metric::Sent, 0, 1)
            },
        ];
        for c in &changes {
            a.add(c);
        }
        for c in changes.iter().rev() {
            b.add(c);
        }
        assert_eq!(a, b);
        let keys: Vec<_> = a.clinic_changes().map(|(k, _)| k.clone()).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(keys[0].clinic_id, "harbour");
        assert_eq!(keys.last().unwrap().clinic_id, "lakeside");
    }
}
