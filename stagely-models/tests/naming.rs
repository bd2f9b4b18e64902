//! Code generated from awkward SQL names compiles and works against PostgreSQL.
//!
//! `tests/naming/` is the generator's output for `codegen/tests/fixtures/emit_names` (kept
//! fresh by `tests/fresh.rs`): quoted names with capitals and spaces, Rust keywords, a leading
//! digit, an enum type, enum and text arrays, interval, bytea, identity and generated columns,
//! two foreign keys to one parent, and relation helpers whose names are keywords (a table
//! `match`, key columns `type` and `self`).

#[rustfmt::skip]
#[allow(dead_code, unused_imports)]
#[path = "naming/mod.rs"]
mod naming;

use naming::*;
use sqlx::AssertSqlSafe;
use stagely_testdb::TestDatabase;

async fn database() -> TestDatabase {
    let db = TestDatabase::new().await;
    for m in naming::migrations::MIGRATIONS {
        sqlx::raw_sql(AssertSqlSafe(m.up_sql))
            .execute(db.pool())
            .await
            .unwrap();
    }
    db
}

#[tokio::test]
async fn awkward_names_insert_and_read_back() {
    let db = database().await;
    let pool = db.pool();
    let mut new = NewOrderItem::new("gift");
    new.self_ = Some(7);
    new._2fa = Some(true);
    new.user_id = Some(uuid::Uuid::from_u128(9));
    new.r#match = Some("exact".into());
    new.tags = Some(vec!["a".into(), "b c".into()]);
    new.feeling = Some(Mood::InBetween);
    new.moods = Some(vec![Mood::Sad, Mood::Happy]);
    new.wait = Some(sqlx::postgres::types::PgInterval {
        months: 1,
        days: 2,
        microseconds: 3,
    });
    new.price = Some("12.50".parse().unwrap());
    new.result = Some(OrderItemResult::NotOk);
    new.payload = Some(vec![0, 159, 146, 150]);

    let stored = OrderItem::insert(pool, &new).await.unwrap();
    assert_eq!(stored.r#type, "gift");
    assert_eq!(stored.feeling, Mood::InBetween);
    assert_eq!(stored.moods, Some(vec![Mood::Sad, Mood::Happy]));
    assert_eq!(
        stored.doubled,
        Some("25.00".parse().unwrap()),
        "the generated column is computed"
    );
    assert_eq!(
        OrderItem::find(pool, stored.id).await.unwrap(),
        Some(stored.clone())
    );

    let defaults = OrderItem::insert(pool, &NewOrderItem::new("plain"))
        .await
        .unwrap();
    assert_eq!(defaults.feeling, Mood::Happy);
    assert!(!defaults._2fa);
    assert!(defaults.tags.is_empty());
    assert!(defaults.id > stored.id, "identity values come from the database");
    assert_eq!(OrderItem::count(pool).await.unwrap(), 2);

    let text: String = sqlx::query_scalar(r#"SELECT feeling::text FROM "Order Items" WHERE id = $1"#)
        .bind(stored.id)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(text, "in between");
    assert_eq!("in between".parse::<Mood>(), Ok(Mood::InBetween));
    assert!(
        "angry"
            .parse::<Mood>()
            .unwrap_err()
            .to_string()
            .contains("happy, sad, in between")
    );
    assert_eq!(Mood::ALL.len(), 3);
}

#[tokio::test]
async fn two_foreign_keys_to_one_parent_get_distinct_helpers() {
    let db = database().await;
    let pool = db.pool();
    let ada = Person::insert(pool, &NewPerson::new("Ada")).await.unwrap();
    let bob = Person::insert(pool, &NewPerson::new("Bob")).await.unwrap();
    let mut new = NewHandoff::new(ada.id);
    new.to_person_id = Some(bob.id);
    new.note = Some("keys".into());
    let handoff = Handoff::insert(pool, &new).await.unwrap();

    assert_eq!(handoff.from_person(pool).await.unwrap(), ada);
    assert_eq!(handoff.to_person(pool).await.unwrap(), Some(bob.clone()));
    assert_eq!(
        ada.handoffs_as_from_person_id(pool).await.unwrap(),
        vec![handoff.clone()]
    );
    assert!(ada.handoffs_as_to_person_id(pool).await.unwrap().is_empty());
    assert_eq!(
        bob.handoffs_as_to_person_id(pool).await.unwrap(),
        vec![handoff.clone()]
    );
    assert_eq!(
        Handoff::find_by_from_person_id_and_note(pool, ada.id, "keys")
            .await
            .unwrap(),
        Some(handoff)
    );
    let per_person = Person::preload_handoffs_as_to_person_id(pool, &[ada, bob])
        .await
        .unwrap();
    assert_eq!(per_person.iter().map(Vec::len).collect::<Vec<_>>(), [0, 1]);
}

#[tokio::test]
async fn helpers_named_after_keywords_follow_their_keys() {
    let db = database().await;
    let pool = db.pool();
    let final_match = Match::insert(pool, &NewMatch::new("final")).await.unwrap();
    let replay = Match::insert(pool, &NewMatch::new("replay")).await.unwrap();
    let mut new = NewPlay::new(final_match.id);
    new.self_ = Some(replay.id);
    let play = Play::insert(pool, &new).await.unwrap();
    assert_eq!(play.r#type(pool).await.unwrap(), final_match);
    assert_eq!(play.self_(pool).await.unwrap(), Some(replay.clone()));
    assert_eq!(final_match.plays_as_type(pool).await.unwrap(), vec![play.clone()]);
    assert!(final_match.plays_as_self(pool).await.unwrap().is_empty());
    let per_match = Match::preload_plays_as_self(pool, &[final_match, replay])
        .await
        .unwrap();
    assert_eq!(per_match, vec![vec![], vec![play]]);
}
