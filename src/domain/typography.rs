//! French typography: no-break spaces where French puts them, so that « : », « ? » or « » » never
//! start a line on their own. Applied to the text the app writes (messages, emails); the pages'
//! own wording is written with them, and a test scans every page and email for a plain space
//! before « : ; ? ! ».

/// Before « : », and inside « » quotes.
pub const NBSP: char = '\u{a0}';
/// Before « ; ? ! » (narrow no-break space).
pub const NNBSP: char = '\u{202f}';

/// `text` with the spaces before « : ; ? ! », inside « … » and after « n° » made unbreakable.
/// Only a space followed by the sign and then a space, a line end or the end counts, so URLs,
/// times and code (`a:b`, `?x=1`) are left alone.
pub fn french(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        let after_next = chars.get(i + 2).copied();
        let ends = |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || c == '"' || c == '<');
        let replaced = match (c, next) {
            (' ', Some(':')) if ends(after_next) => NBSP,
            (' ', Some(';' | '?' | '!')) if ends(after_next) => NNBSP,
            (' ', Some('»')) => NBSP,
            (' ', _) if prev == Some('«') => NBSP,
            (' ', _) if prev == Some('°') && i >= 2 && chars[i - 2] == 'n' => NBSP,
            (c, _) => c,
        };
        out.push(replaced);
    }
    out
}

/// Whether `text` still has a breakable space before « : ; ? ! » (what the scanning test looks for).
pub fn has_plain_space_before_sign(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(3).any(|w| {
        w[0] == ' '
            && matches!(w[1], ':' | ';' | '?' | '!')
            && (w[2].is_whitespace() || w[2] == '<')
    }) || chars
        .windows(2)
        .last()
        .is_some_and(|w| w[0] == ' ' && matches!(w[1], ':' | ';' | '?' | '!'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_before_signs_inside_quotes_and_after_numero_do_not_break() {
        let text = french("Adresse : « Hub » ; vraiment ? Oui ! Agrément n° 42.");
        assert_eq!(
            text,
            "Adresse\u{a0}: «\u{a0}Hub\u{a0}»\u{202f}; vraiment\u{202f}? Oui\u{202f}! Agrément n°\u{a0}42."
        );
        assert!(!has_plain_space_before_sign(&text));
        assert!(has_plain_space_before_sign("Oui !"));
        assert!(has_plain_space_before_sign("Bonjour : x"));
    }

    #[test]
    fn urls_times_and_code_are_left_alone() {
        for text in [
            "https://x.fr/a?b=1",
            "10:30",
            "a :b",
            "x ?y=1",
            "déjà french\u{a0}: ok",
        ] {
            assert_eq!(french(text), text, "{text}");
        }
    }
}
