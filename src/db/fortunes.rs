//! The Fortunes table of the TechEmpower benchmark, compiled into the benchmark build only.

use diesel::prelude::*;

use super::DbConn;

diesel::table! {
    fortune (id) {
        id -> BigInt,
        message -> Text,
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct Fortune {
    pub id: i64,
    pub message: String,
}

const MESSAGES: [&str; 12] = [
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. — Donald Knuth",
    "Feature: A bug with seniority.",
    "Computers make very fast, very accurate mistakes.",
    "<script>alert(\"This should not be displayed in a browser alert box.\");</script>",
    "フレームワークのベンチマーク",
];

/// Creates and fills the table if it is not there yet.
pub fn install(conn: &mut DbConn) -> QueryResult<()> {
    diesel::sql_query("CREATE TABLE IF NOT EXISTS fortune (id BIGINT PRIMARY KEY NOT NULL, message TEXT NOT NULL)")
        .execute(conn)?;
    if fortune::table.count().get_result::<i64>(conn)? == 0 {
        for (i, m) in MESSAGES.iter().enumerate() {
            diesel::insert_into(fortune::table)
                .values((fortune::id.eq(i as i64 + 1), fortune::message.eq(*m)))
                .execute(conn)?;
        }
    }
    Ok(())
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Fortune>> {
    fortune::table.load(conn)
}
