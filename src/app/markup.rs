//! HTML the server wrote from one of our own views, for an island to insert as it is.

use serde::{Deserialize, Serialize};

/// Markup a view of ours rendered on the server (text in it was escaped there). An island shows
/// it with `inner_html` instead of carrying the code that draws it: what only informs stays out
/// of the WASM, which keeps the interactive parts of a page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Markup(String);

impl Markup {
    /// The HTML of `view`, rendered here on the server.
    #[cfg(feature = "ssr")]
    pub fn render(view: impl leptos::IntoView) -> Self {
        use leptos::tachys::view::RenderHtml;
        // `<!>` marks where hydration would split text: inserted markup is never hydrated. Text
        // in it is escaped (`&lt;`), so this can only remove the marks.
        Markup(view.into_view().to_html().replace("<!>", ""))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_html(self) -> String {
        self.0
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::Markup;
    use leptos::prelude::*;

    #[test]
    fn what_it_shows_is_escaped_text_without_hydration_marks() {
        // A name as INSEE (or anyone) could spell it.
        let name = "<script>alert(1)</script> & Cie".to_owned();
        let town: Option<String> = None;
        let html = Markup::render(view! { <p>"Nom\u{a0}: " {name} {town}</p> }).into_html();
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Cie"),
            "{html}"
        );
        assert!(!html.contains("<script") && !html.contains("<!"), "{html}");
    }
}
