//! Rust models of the Stagely schema.
//!
//! Everything in the `generated` module is derived from `schema/migrations` by
//! `stagely-codegen` (`make codegen`); this file only re-exports it. Never edit generated
//! files by hand: change a migration and regenerate.
//!
//! Each table gets a row struct, an insert struct, column constants, its SQL (`teams::sql`),
//! data access generic over `sqlx::PgExecutor`, and relation helpers from its foreign keys
//! (the same example is in the README):
//!
//! ```no_run
//! use stagely_models::{BillingPlan, Error, NewTeam, NewTeamMember, Team, TeamMember, User};
//!
//! async fn example(pool: &sqlx::PgPool, ada: &User) -> Result<(), Error> {
//!     let team = Team::insert(pool, &NewTeam::new("acme", "Acme")).await?; // one round trip
//!     assert_eq!(team.billing_plan, BillingPlan::Free);                     // the database default
//!
//!     let mut team = Team::find_by_slug(pool, "acme").await?.expect("just inserted");
//!     team.billing_plan = BillingPlan::Pro;
//!     let team = team.update(pool).await?;            // the stored row, updated_at refreshed by the trigger
//!
//!     TeamMember::insert(pool, &NewTeamMember::new(team.id, ada.id)).await?;
//!     let members = team.users(pool).await?;          // many-to-many through team_members
//!     let projects = team.projects(pool).await?;      // has-many
//!     let teams = Team::list(pool, 50, 0).await?;
//!     let per_team = Team::preload_projects(pool, &teams).await?; // one query for all teams
//!
//!     match Team::insert(pool, &NewTeam::new("acme", "Again")).await {
//!         Err(Error::UniqueViolation { constraint, columns, .. }) => {
//!             assert_eq!((constraint.as_str(), columns), ("teams_slug_key", &["slug"][..]));
//!         }
//!         other => panic!("{other:?}"),
//!     }
//!     Team::delete(pool, team.id).await?;             // soft delete: sets deleted_at, reads skip it
//!     Team::restore(pool, team.id).await?;
//!     println!("{} members, {} projects, {} teams", members.len(), projects.len(), per_team.len());
//!     Ok(())
//! }
//! ```

// prettyplease output is not rustfmt-stable: keep `cargo fmt` and the generator from fighting.
#[rustfmt::skip]
mod generated;

pub use generated::*;
