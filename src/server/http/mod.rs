//! The HTTP side: the router and its middleware, cookies, the client's address, request
//! helpers for server functions, and each service error as the user is told it.

pub mod anonymous;
pub mod assets;
pub mod cache_control;
pub mod client_ip;
pub mod cookies;
pub mod data_export;
pub mod dev_mailbox;
pub mod health;
pub mod observability;
pub mod page_cache;
pub mod refusals;
pub mod security;
pub mod state;
pub mod web;
mod wiring;

pub use wiring::{Application, StartError};
