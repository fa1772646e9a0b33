//! Operator work: the commands support runs (`hubpro accounts …`, `hubpro audit …`), and the
//! periodic purge of what the database no longer needs.

pub mod inactivity;
pub mod operator;
pub mod retention;
