//! The domain's enums stored as text: read back typed, so a value the domain does not know
//! is an error at this edge (a corrupt row), never a silent default further in.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use crate::domain::referral::offers::Upload;
use crate::domain::referral::{Kind, Status};
use crate::domain::schedule::VisitStatus;

/// Implements text storage for an enum with `as_str` and `parse`.
macro_rules! stored_as_text {
    ($ty:ty, $proxy:ident, $what:literal) => {
        #[derive(AsExpression, FromSqlRow)]
        #[diesel(foreign_derive)]
        #[diesel(sql_type = Text)]
        #[expect(
            dead_code,
            reason = "only its derives are used: they implement for the domain type"
        )]
        struct $proxy($ty);

        impl<DB> FromSql<Text, DB> for $ty
        where
            DB: Backend,
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let s = String::from_sql(bytes)?;
                <$ty>::parse(&s).ok_or_else(|| format!("unknown {} {s:?}", $what).into())
            }
        }

        impl<DB> ToSql<Text, DB> for $ty
        where
            DB: Backend,
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <str as ToSql<Text, DB>>::to_sql(self.as_str(), out)
            }
        }
    };
}

stored_as_text!(Status, StatusProxy, "referral status");
stored_as_text!(Kind, KindProxy, "referral kind");
stored_as_text!(VisitStatus, VisitStatusProxy, "visit status");
stored_as_text!(Upload, UploadProxy, "attachment purpose");

#[cfg(test)]
mod tests {
    use diesel::dsl::sql;
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    use super::*;

    fn conn() -> SqliteConnection {
        SqliteConnection::establish(":memory:").expect("an in-memory database")
    }

    #[test]
    fn statuses_round_trip_through_a_text_column() {
        let mut c = conn();
        let back: Status = diesel::select(Status::NeedInfo.into_sql::<Text>())
            .get_result(&mut c)
            .expect("read back");
        assert_eq!(back, Status::NeedInfo);
        let stored: String = diesel::select(Kind::Imaging.into_sql::<Text>())
            .get_result(&mut c)
            .expect("read as text");
        assert_eq!(stored, "imaging");
    }

    #[test]
    fn an_unknown_stored_value_is_an_error_not_a_default() {
        let mut c = conn();
        let bad: QueryResult<Status> = diesel::select(sql::<Text>("'Sent'")).get_result(&mut c);
        match bad {
            Err(diesel::result::Error::DeserializationError(e)) => {
                // The column's own message is kept beneath diesel's "error deserializing".
                assert!(
                    format!("{e:?}").contains("unknown referral status"),
                    "{e:?}"
                );
            }
            other => panic!("expected a deserialization error, got {other:?}"),
        }
        let bad: QueryResult<VisitStatus> =
            diesel::select(sql::<Text>("'missed'")).get_result(&mut c);
        assert!(bad.is_err());
    }
}
