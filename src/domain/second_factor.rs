//! What the second step of a login accepts: a 6-digit code from the authenticator app, or one
//! of the account's recovery codes (`ABCDE-12345`), typed with or without spaces and dash.

/// The characters of a recovery code (Crockford's base 32: no I, L, O or U, so nothing reads
/// as another character).
pub const RECOVERY_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of a recovery code (50 random bits).
pub const RECOVERY_LEN: usize = 10;
/// Digits of an authenticator app's code.
pub const TOTP_DIGITS: usize = 6;
/// Longest text the code field takes.
pub const CODE_MAX: usize = 20;

/// A code typed at the second step.
#[derive(Clone, PartialEq, Eq)]
pub enum FactorCode {
    /// From the authenticator app: six digits.
    App(String),
    /// A recovery code, in its canonical form (upper case, no dash).
    Recovery(RecoveryCode),
}

impl std::fmt::Debug for FactorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FactorCode::App(_) => "App(…)",
            FactorCode::Recovery(_) => "Recovery(…)",
        })
    }
}

/// Why a typed code is not one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeError {
    Empty,
    /// Neither six digits nor a recovery code.
    Shape,
}

impl FactorCode {
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .take(CODE_MAX + 1)
            .collect();
        if compact.is_empty() {
            return Err(CodeError::Empty);
        }
        if compact.len() == TOTP_DIGITS && compact.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(FactorCode::App(compact));
        }
        RecoveryCode::parse(&compact)
            .map(FactorCode::Recovery)
            .ok_or(CodeError::Shape)
    }
}

/// One recovery code, canonical: ten characters of [`RECOVERY_ALPHABET`].
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl RecoveryCode {
    /// Reads a code as people type it: lower case, and the letters Crockford reads as digits
    /// (O for 0, I and L for 1).
    pub fn parse(input: &str) -> Option<Self> {
        let canonical: String = input
            .chars()
            .filter(|c| *c != '-' && !c.is_whitespace())
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            })
            .collect();
        (canonical.len() == RECOVERY_LEN
            && canonical.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)))
        .then_some(RecoveryCode(canonical))
    }

    /// A code from ten values below 32 (the caller's random source).
    pub fn from_indices(indices: [u8; RECOVERY_LEN]) -> Self {
        RecoveryCode(
            indices
                .iter()
                .map(|i| RECOVERY_ALPHABET[usize::from(*i % 32)] as char)
                .collect(),
        )
    }

    /// The canonical text (what is hashed).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// As it is shown: `ABCDE-12345`.
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..5], &self.0[5..])
    }
}

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_app_codes_and_recovery_codes_as_typed() {
        assert_eq!(
            FactorCode::parse(" 123 456 "),
            Ok(FactorCode::App("123456".into()))
        );
        let code = RecoveryCode::parse("ab0de-12345").unwrap();
        assert_eq!(code.expose(), "AB0DE12345");
        assert_eq!(code.display(), "AB0DE-12345");
        // O, I and L read as 0, 1 and 1.
        assert_eq!(
            FactorCode::parse("abode-i2l45"),
            Ok(FactorCode::Recovery(RecoveryCode("AB0DE12145".into())))
        );
        assert_eq!(FactorCode::parse("  "), Err(CodeError::Empty));
        for wrong in ["12345", "1234567", "ABCDE-1234", "ABCDE-1234U", "12345a"] {
            assert_eq!(FactorCode::parse(wrong), Err(CodeError::Shape), "{wrong}");
        }
        assert_eq!(
            RecoveryCode::from_indices([0, 1, 2, 3, 4, 31, 30, 29, 28, 27]).expose(),
            "01234ZYXWV"
        );
    }
}
