//! The page never contradicts the server: for a corpus of passwords (common words decorated,
//! the account's own values decorated, generated passphrases), the verdict the page computes with
//! the shared rules equals the server's answer to « Valider », and no strong passphrase is
//! refused.

mod support;

use hubpro::domain::{policy_refusal, NewPassword, PasswordContext};
use support::fakes::{self, Answer, FakeInsee};
use support::journey::{cookie_pair, link_token_for, post, sign_up};
use support::TestApp;

const ACCOUNTS: usize = 200;
const PASSPHRASES: usize = 100;

/// An app with `ACCOUNTS` approved establishments known to the fake INSEE.
async fn app() -> TestApp {
    let insee = FakeInsee::default();
    let mut csv = String::from(
        "numero_agrement;siret;type;formations;date_debut;date_fin;region;email_notification\n",
    );
    for i in 0..ACCOUNTS {
        let siret = support::numbered_siret(i);
        insee.set(
            &siret,
            Answer::Active {
                name: "CENTRE",
                town: "NANTES",
            },
        );
        csv.push_str(&format!(
            "CORPUS-{i};{siret};voyageurs;FCO;2020-01-01;;Pays de la Loire;dreal{i}@example.fr\n"
        ));
    }
    let sirene_url = fakes::start_insee(insee).await;
    let app = support::app_with(&[
        ("HUBPRO_SIRENE_URL", &sirene_url),
        ("HUBPRO_SIRENE_API_KEY", fakes::API_KEY),
        ("HUBPRO_DEMO_DATA", "false"),
        ("HUBPRO_RATE_SIGNUP", "100000"),
        ("HUBPRO_RATE_ELIGIBILITY", "100000"),
        ("HUBPRO_SIRENE_PER_MINUTE", "100000"),
    ])
    .await;
    hubpro::server::registry::approvals::import(
        &app.store,
        hubpro::server::registry::approvals::parse_file(&csv).unwrap(),
        hubpro::server::registry::approvals::Notices::Skip,
    )
    .await
    .unwrap();
    app
}

/// An open password flow of the `n`-th account, and the context the page receives for it.
async fn flow(app: &TestApp, n: usize) -> (String, PasswordContext) {
    let email = format!("nantes-{n}@example.fr");
    sign_up(
        app,
        &support::numbered_siret(n),
        "Transports Nantais",
        &email,
    )
    .await;
    let token = link_token_for(app, &email).await;
    let res = post(app, "/api/continuer", &[("token", &token)], None).await;
    let flow = cookie_pair(&res, "hubpro_flow").expect("flow cookie");
    // What the password page asks for, with the flow cookie, to apply the rules live.
    let context: PasswordContext = post(app, "/api/flux-mot-de-passe", &[], Some(&flow))
        .await
        .json::<Option<PasswordContext>>()
        .await
        .unwrap()
        .expect("an open flow");
    (flow, context)
}

/// The page's verdict: the seed's four rules, then the shared rules; « Valider » is enabled
/// exactly when this is true (and both entries match).
fn page_accepts(candidate: &str, context: &PasswordContext) -> bool {
    NewPassword::parse(candidate).is_ok() && policy_refusal(candidate, context).is_none()
}

fn corpus(context: &PasswordContext) -> (Vec<String>, Vec<String>) {
    let list = include_str!("../src/domain/common-passwords.txt");
    let mut weak = Vec::new();
    for word in list
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(120)
    {
        let cap = format!("{}{}", word[..1].to_uppercase(), &word[1..]);
        let leet = cap.replace('a', "@").replace('o', "0").replace('e', "3");
        weak.push(format!(
            "{cap}!{}",
            "2024202420"
                .get(..12usize.saturating_sub(cap.len() + 1))
                .unwrap_or("")
        ));
        weak.push(format!("#{leet}1234567!"));
        weak.push(format!("{cap}-{cap}-{cap}!"));
    }
    for value in [
        context.organisation.clone(),
        context.last_name.clone(),
        context.first_name.clone(),
        context.email_local_part.clone(),
    ] {
        let cap = format!("{}{}", value[..1].to_uppercase(), &value[1..]);
        weak.push(format!("{cap}!2026-2027"));
        weak.push(format!("{cap}#{cap}#99"));
    }
    let siret = context.siret.as_ref().expect("the flow names its SIRET");
    weak.push(format!("Ab!{}", siret.as_digits()));
    weak.push(format!("X#{}-2026", siret.siren()));
    weak.extend(
        [
            "Azertyuiop!12",
            "Qwerty-Qwerty-1",
            "Abcdefghijk!1",
            "Aaaaaaaaaaa!1",
        ]
        .map(String::from),
    );

    // Passphrases of 16+ characters: three or four uncommon words, digits, symbols.
    let words = [
        "girafe",
        "Volcan",
        "tuile",
        "Corbeau",
        "pastel",
        "Ecluse",
        "grenat",
        "Mistral",
        "cobalt",
        "Falaise",
        "orge",
        "Lanterne",
        "quartz",
        "Sextant",
        "brume",
        "Chalutier",
        "ocre",
        "Bruyere",
        "tamis",
        "Gouvernail",
    ];
    let symbols = ["-", "!", "#", " ", "&", "_", "?", "."];
    let mut seed: u64 = 0x5eed;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let mut strong = Vec::new();
    while strong.len() < PASSPHRASES {
        let count = 3 + next(2);
        let mut phrase = String::new();
        for i in 0..count {
            if i > 0 {
                phrase.push_str(symbols[next(symbols.len())]);
            }
            phrase.push_str(words[next(words.len())]);
        }
        phrase.push_str(&format!("{}{}", symbols[next(symbols.len())], next(100)));
        if phrase.chars().count() >= 16 && phrase.chars().any(char::is_uppercase) {
            strong.push(phrase);
        }
    }
    (weak, strong)
}

#[tokio::test]
async fn the_page_and_the_server_agree_on_every_password_of_the_corpus() {
    let app = app().await;
    let mut next_account = 0;
    let (mut open, mut context) = flow(&app, next_account).await;
    next_account += 1;
    let (weak, strong) = corpus(&context);
    assert!(weak.len() + strong.len() >= 300, "a few hundred entries");
    let mut refused_strong = Vec::new();
    for (candidate, must_pass) in weak
        .iter()
        .map(|p| (p, false))
        .chain(strong.iter().map(|p| (p, true)))
    {
        let page = page_accepts(candidate, &context);
        let res = post(
            &app,
            "/api/valider-mot-de-passe",
            &[("password", candidate), ("confirmation", candidate)],
            Some(&open),
        )
        .await;
        let server = res.status() == 200;
        assert_eq!(
            page,
            server,
            "page vs server on {candidate:?}: {}",
            res.text().await.unwrap()
        );
        if !must_pass && server {
            eprintln!("accepted from the weak list: {candidate:?}");
        }
        if must_pass && !server {
            refused_strong.push(candidate.clone());
        }
        if server {
            // The flow is used: the next entries go to a fresh account.
            (open, context) = flow(&app, next_account).await;
            next_account += 1;
        }
    }
    assert!(
        refused_strong.is_empty(),
        "strong passphrases refused: {refused_strong:?}"
    );
    assert!(
        next_account > strong.len(),
        "every passphrase was set on its own account"
    );
}
