//! Returning centres logging in again and again with their password, once the journeys are
//! done: from the browser their account knows (its device cookie: the usual case; only that
//! browser's own failures slow it down) and from a new browser each time, with a new client
//! address each time so that the per-address slow-down never applies (the app then emails
//! « connexion depuis un nouveau navigateur »).

use crate::journey::{login, new_browser};
use crate::{bench, Centre};
use goose::prelude::*;

/// Each user keeps one account and the browser that account knows (the journey's cookies).
pub async fn choose_account(user: &mut GooseUser) -> TransactionResult {
    let centre = bench().centre_for_login();
    new_browser(user, centre.jar.clone(), &centre.client_address).await?;
    user.set_session_data(centre);
    Ok(())
}

pub async fn from_known_browser(user: &mut GooseUser) -> TransactionResult {
    let centre = user.get_session_data_unchecked::<Centre>().clone();
    login(user, "L1 /api/connexion: navigateur connu", &centre).await
}

pub async fn from_new_browser(user: &mut GooseUser) -> TransactionResult {
    let centre = bench().centre_for_login();
    new_browser(user, Default::default(), &bench().login_address()).await?;
    login(user, "L2 /api/connexion: nouveau navigateur", &centre).await
}
