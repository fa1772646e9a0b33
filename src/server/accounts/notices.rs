//! What the emails sent on a user's behalf name: where the app is, and the support contact.

use crate::routes::PublicUrl;

/// Where emails sent on the user's behalf point to.
#[derive(Clone, Copy)]
pub struct Notices<'a> {
    pub public_url: &'a PublicUrl,
    pub support: &'a str,
}
