//! The network directory: who can be referred to, found with the database's own text
//! search (SQLite FTS5 with trigrams, PostgreSQL pg_trgm). Both backends answer the same
//! way: every word as a substring first; if nothing matches, trigram similarity, so a name
//! typed with a letter wrong still finds the person, best match first.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Double, Nullable, Text};

use super::DbConn;
use super::schema::{clinics, practitioners, users};
use crate::domain::people::{fold, fold_languages};

/// One search result.
#[derive(Debug, Clone, QueryableByName)]
pub struct Hit {
    #[diesel(sql_type = Text)]
    pub user_id: String,
    #[diesel(sql_type = Text)]
    pub display_name: String,
    #[diesel(sql_type = Text)]
    pub specialty: String,
    #[diesel(sql_type = Text)]
    pub clinic_name: String,
    #[diesel(sql_type = Text)]
    pub city: String,
    #[diesel(sql_type = Text)]
    pub languages: String,
    #[diesel(sql_type = Bool)]
    pub accepting_referrals: bool,
    #[diesel(sql_type = Bool)]
    pub has_practice: bool,
    #[diesel(sql_type = Nullable<Double>)]
    pub score: Option<f64>,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Rewrites the directory entry of one practitioner (after any change to their profile).
pub fn refresh(conn: &mut DbConn, user_id: &str) -> QueryResult<()> {
    let row: Option<(String, String, String, String, String, bool)> = users::table
        .inner_join(practitioners::table)
        .inner_join(clinics::table)
        .filter(users::id.eq(user_id))
        .select((
            users::display_name,
            practitioners::specialty,
            clinics::name,
            practitioners::city,
            practitioners::languages,
            users::active,
        ))
        .first(conn)
        .optional()?;
    let body = row
        .as_ref()
        .filter(|r| r.5)
        .map(|(n, s, c, city, l, _)| format!("{n} | {s} | {c} | {city} | {l}").to_lowercase());
    match conn {
        DbConn::Sqlite(c) => {
            diesel::sql_query("DELETE FROM directory_fts WHERE user_id = ?")
                .bind::<Text, _>(user_id)
                .execute(c)?;
            if let Some(b) = body {
                diesel::sql_query("INSERT INTO directory_fts (user_id, body) VALUES (?, ?)")
                    .bind::<Text, _>(user_id)
                    .bind::<Text, _>(b)
                    .execute(c)?;
            }
        }
        DbConn::Pg(c) => {
            diesel::sql_query("DELETE FROM directory WHERE user_id = $1")
                .bind::<Text, _>(user_id)
                .execute(c)?;
            if let Some(b) = body {
                diesel::sql_query("INSERT INTO directory (user_id, body) VALUES ($1, $2)")
                    .bind::<Text, _>(user_id)
                    .bind::<Text, _>(b)
                    .execute(c)?;
            }
        }
    }
    Ok(())
}

/// Search input, already normalised (lower case words of at least 3 characters).
pub struct Search<'a> {
    pub words: &'a [String],
    pub city: Option<&'a str>,
    pub language: Option<&'a str>,
    pub limit: i64,
    pub offset: i64,
}

/// One whole item of the folded language list, compared as bytes: a LIKE pattern would
/// need its `%` and `_` escaped, and "malay" must not match "malayalam".
const SQLITE_LANGUAGE: &str =
    "(? IS NULL OR instr(',' || p.languages_key || ',', ',' || ? || ',') > 0)";

const SELECT: &str = "SELECT u.id AS user_id, u.display_name, p.specialty, c.name AS clinic_name, \
    p.city, p.languages, p.accepting_referrals, \
    (EXISTS (SELECT 1 FROM practices pr WHERE pr.practitioner_id = u.id)) AS has_practice";

/// Finds practitioners. Returns one page and the total. The city and language filters
/// compare the stored folded keys with the folded filter (see [`fold`]), so "ZÜRICH",
/// "zürich" and a decomposed "Zu\u{308}rich" find the same people on both backends; a
/// language matches one whole item of the list.
pub fn search(conn: &mut DbConn, s: &Search<'_>) -> QueryResult<(Vec<Hit>, i64)> {
    let city = s.city.map(fold).filter(|c| !c.is_empty());
    let lang = s.language.map(fold).filter(|l| !l.is_empty());
    if s.words.is_empty() {
        return list_all(conn, city.as_deref(), lang.as_deref(), s.limit, s.offset);
    }
    let exact = match_query(conn, s, &city, &lang, false)?;
    if exact.1 > 0 {
        return Ok(exact);
    }
    match_query(conn, s, &city, &lang, true)
}

fn trigrams(words: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for w in words {
        let chars: Vec<char> = w.chars().collect();
        for i in 0..chars.len().saturating_sub(2) {
            let t: String = chars[i..i + 3].iter().collect();
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}

fn fts_phrase(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn match_query(
    conn: &mut DbConn,
    s: &Search<'_>,
    city: &Option<String>,
    lang: &Option<String>,
    fuzzy: bool,
) -> QueryResult<(Vec<Hit>, i64)> {
    match conn {
        DbConn::Sqlite(c) => {
            let expr = if fuzzy {
                trigrams(s.words)
                    .iter()
                    .map(|t| fts_phrase(t))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            } else {
                s.words
                    .iter()
                    .map(|w| fts_phrase(w))
                    .collect::<Vec<_>>()
                    .join(" AND ")
            };
            let filters = format!("AND (? IS NULL OR p.city_key = ?) AND {SQLITE_LANGUAGE}");
            let from = format!(
                "FROM directory_fts f JOIN users u ON u.id = f.user_id \
                 JOIN practitioners p ON p.user_id = u.id JOIN clinics c ON c.id = p.clinic_id \
                 WHERE directory_fts MATCH ? {filters}"
            );
            let total = diesel::sql_query(format!("SELECT COUNT(*) AS n {from}"))
                .bind::<Text, _>(&expr)
                .bind::<Nullable<Text>, _>(city.as_deref())
                .bind::<Nullable<Text>, _>(city.as_deref())
                .bind::<Nullable<Text>, _>(lang.as_deref())
                .bind::<Nullable<Text>, _>(lang.as_deref())
                .get_result::<Count>(c)?
                .n;
            let rows = diesel::sql_query(format!(
                "{SELECT}, -bm25(directory_fts) AS score {from} \
                 ORDER BY bm25(directory_fts), u.display_name LIMIT ? OFFSET ?"
            ))
            .bind::<Text, _>(&expr)
            .bind::<Nullable<Text>, _>(city.as_deref())
            .bind::<Nullable<Text>, _>(city.as_deref())
            .bind::<Nullable<Text>, _>(lang.as_deref())
            .bind::<Nullable<Text>, _>(lang.as_deref())
            .bind::<BigInt, _>(s.limit)
            .bind::<BigInt, _>(s.offset)
            .load::<Hit>(c)?;
            Ok((rows, total))
        }
        DbConn::Pg(c) => {
            let q = s.words.join(" ");
            let cond = if fuzzy {
                // Word similarity: the query against the best-matching stretch of the entry.
                "$1 <% d.body".to_string()
            } else {
                "(SELECT bool_and(d.body LIKE '%' || w || '%') FROM unnest($2::text[]) AS w)"
                    .to_string()
            };
            let filters = "AND ($3::text IS NULL OR p.city_key = $3) \
                AND ($4::text IS NULL OR strpos(',' || p.languages_key || ',', ',' || $4 || ',') > 0)";
            let from = format!(
                "FROM directory d JOIN users u ON u.id = d.user_id \
                 JOIN practitioners p ON p.user_id = u.id JOIN clinics c ON c.id = p.clinic_id \
                 WHERE {cond} {filters}"
            );
            let words: Vec<String> = s.words.to_vec();
            c.transaction(|c| {
                diesel::sql_query("SET LOCAL pg_trgm.word_similarity_threshold = 0.45")
                    .execute(c)?;
                let total =
                    diesel::sql_query(format!("SELECT COUNT(*) AS n {from} AND $5::bigint >= 0"))
                        .bind::<Text, _>(&q)
                        .bind::<diesel::sql_types::Array<Text>, _>(&words)
                        .bind::<Nullable<Text>, _>(city.as_deref())
                        .bind::<Nullable<Text>, _>(lang.as_deref())
                        .bind::<BigInt, _>(0i64)
                        .get_result::<Count>(c)?
                        .n;
                let rows = diesel::sql_query(format!(
                    "{SELECT}, word_similarity($1, d.body)::float8 AS score {from} \
                     ORDER BY score DESC, u.display_name COLLATE \"C\" LIMIT $5 OFFSET $6"
                ))
                .bind::<Text, _>(&q)
                .bind::<diesel::sql_types::Array<Text>, _>(&words)
                .bind::<Nullable<Text>, _>(city.as_deref())
                .bind::<Nullable<Text>, _>(lang.as_deref())
                .bind::<BigInt, _>(s.limit)
                .bind::<BigInt, _>(s.offset)
                .load::<Hit>(c)?;
                Ok((rows, total))
            })
        }
    }
}

fn list_all(
    conn: &mut DbConn,
    city: Option<&str>,
    lang: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Hit>, i64)> {
    let from = "FROM users u JOIN practitioners p ON p.user_id = u.id JOIN clinics c ON c.id = p.clinic_id \
                WHERE u.active AND u.id NOT IN (SELECT user_id FROM external_doctors)";
    match conn {
        DbConn::Sqlite(c) => {
            let f = format!("{from} AND (? IS NULL OR p.city_key = ?) AND {SQLITE_LANGUAGE}");
            let total = diesel::sql_query(format!("SELECT COUNT(*) AS n {f}"))
                .bind::<Nullable<Text>, _>(city)
                .bind::<Nullable<Text>, _>(city)
                .bind::<Nullable<Text>, _>(lang)
                .bind::<Nullable<Text>, _>(lang)
                .get_result::<Count>(c)?
                .n;
            let rows = diesel::sql_query(format!(
                "{SELECT}, NULL AS score {f} ORDER BY p.specialty, u.display_name LIMIT ? OFFSET ?"
            ))
            .bind::<Nullable<Text>, _>(city)
            .bind::<Nullable<Text>, _>(city)
            .bind::<Nullable<Text>, _>(lang)
            .bind::<Nullable<Text>, _>(lang)
            .bind::<BigInt, _>(limit)
            .bind::<BigInt, _>(offset)
            .load::<Hit>(c)?;
            Ok((rows, total))
        }
        DbConn::Pg(c) => {
            let f = format!(
                "{from} AND ($1::text IS NULL OR p.city_key = $1) \
                 AND ($2::text IS NULL OR strpos(',' || p.languages_key || ',', ',' || $2 || ',') > 0)"
            );
            let total = diesel::sql_query(format!("SELECT COUNT(*) AS n {f}"))
                .bind::<Nullable<Text>, _>(city)
                .bind::<Nullable<Text>, _>(lang)
                .get_result::<Count>(c)?
                .n;
            let rows = diesel::sql_query(format!(
                "{SELECT}, NULL::float8 AS score {f} ORDER BY p.specialty COLLATE \"C\", u.display_name COLLATE \"C\" LIMIT $3 OFFSET $4"
            ))
            .bind::<Nullable<Text>, _>(city)
            .bind::<Nullable<Text>, _>(lang)
            .bind::<BigInt, _>(limit)
            .bind::<BigInt, _>(offset)
            .load::<Hit>(c)?;
            Ok((rows, total))
        }
    }
}

/// Distinct cities and languages, for the filters, in byte order on both backends.
pub fn facets(conn: &mut DbConn) -> QueryResult<(Vec<String>, Vec<String>)> {
    // Doctors outside the network have no city: an empty option would be invalid HTML and
    // would look chosen when no city filter is set.
    let mut cities: Vec<String> = practitioners::table
        .select(practitioners::city)
        .filter(practitioners::city.ne(""))
        .distinct()
        .load(conn)?;
    // Sorted here, not by ORDER BY: PostgreSQL would sort by the database's collation.
    cities.sort();
    // "Pune" and "pune" (or two Unicode forms of "Zürich") filter alike: offer one option,
    // the first in byte order.
    let mut seen = std::collections::HashSet::new();
    cities.retain(|c| seen.insert(fold(c)));
    let langs: Vec<String> = practitioners::table
        .select(practitioners::languages)
        .distinct()
        .load(conn)?;
    let mut all: Vec<String> = langs
        .iter()
        .flat_map(|l| l.split(',').map(|s| s.trim().to_string()))
        .filter(|s| !s.is_empty())
        .collect();
    all.sort();
    all.dedup();
    Ok((cities, all))
}

/// Fills in the folded keys of rows written before they existed (the migration adds them
/// empty; SQL cannot compute them the way [`fold`] does). Runs at start-up, after the
/// migrations; returns how many rows it filled.
pub fn backfill_keys(conn: &mut DbConn) -> QueryResult<usize> {
    let stale: Vec<(String, String, String)> = practitioners::table
        .filter(
            (practitioners::city_key
                .eq("")
                .and(practitioners::city.ne("")))
            .or(practitioners::languages_key
                .eq("")
                .and(practitioners::languages.ne(""))),
        )
        .select((
            practitioners::user_id,
            practitioners::city,
            practitioners::languages,
        ))
        .load(conn)?;
    for (user_id, city, languages) in &stale {
        diesel::update(practitioners::table.find(user_id))
            .set((
                practitioners::city_key.eq(fold(city)),
                practitioners::languages_key.eq(fold_languages(languages)),
            ))
            .execute(conn)?;
    }
    Ok(stale.len())
}
