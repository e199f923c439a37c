//! The domain's enums stored as text: read back typed, so a value the domain does not know
//! is an error at this edge (a corrupt row), never a silent default further in.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

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
