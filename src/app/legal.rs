//! The legal pages every page's footer links: accessibility statement (RGAA 4.1), personal data, legal notice.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

/// What the legal pages state that the configuration decides (filled on the server from the settings).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalFacts {
    /// « IN Groupe, 38 avenue de New York, 75016 Paris » — who publishes the service (éditeur).
    pub operator: String,
    /// Directeur de la publication.
    pub publication_director: String,
    /// Hébergeur: name, address, phone.
    pub host: String,
    /// The support contact (email or phone) — also the contact for accessibility and personal data.
    pub support: String,
    pub audit_retention_days: u32,
    pub closed_retention_days: u32,
    pub inactive_notice_months: u32,
    pub inactive_close_months: u32,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    pub password_link_hours: i64,
    pub reset_link_minutes: i64,
    pub known_browser_days: i64,
}

fn facts() -> LegalFacts {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::server::http::state::AppState>()
            .map(|s| s.legal_facts())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        LegalFacts::default()
    }
}

/// « 30 minutes », « 1 jour »: a number and its unit, joined by a no-break space (French: 0 and 1
/// take the singular).
fn count(n: impl Into<i64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n}\u{a0}{}", if n.abs() < 2 { one } else { many })
}

/// The RGAA conformity status. Without a complete RGAA audit, the model statement's wording is
/// « non conforme » (« partiellement conforme » needs an audit with at least 50 % of the
/// criteria met); the footer's link says the same ([`super::texts::ACCESSIBILITY_LINK`]).
const CONFORMITY: &str =
    "Hub Pro Transport est non conforme avec le référentiel général d'amélioration de \
    l'accessibilité (RGAA), version 4.1\u{a0}: le service n'a pas encore fait l'objet d'un audit \
    complet de conformité.";

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let f = facts();
    view! {
        <Title text="Déclaration d'accessibilité"/>
        <section class="card">
            <h1>"Déclaration d'accessibilité"</h1>
            <p>
                {f.operator.clone()}
                " s'engage à rendre ses services en ligne accessibles, conformément à l'article 47 de la "
                "loi n°\u{a0}2005-102 du 11\u{a0}février 2005."
            </p>
            <p>"Cette déclaration d'accessibilité s'applique au service Hub Pro Transport."</p>
        </section>
        <section class="card">
            <h2>"État de conformité"</h2>
            <p>{CONFORMITY}</p>
        </section>
        <section class="card">
            <h2>"Résultats des tests"</h2>
            <p>
                "Aucun audit complet de conformité au RGAA n'a encore été réalisé\u{a0}: il n'existe donc "
                "pas de taux de conformité. À chaque modification du service, la suite de tests\u{a0}:"
            </p>
            <ul>
                <li>
                    "analyse chaque page du parcours, ainsi que ses messages d'erreur, avec l'outil "
                    "axe-core selon les règles des niveaux A et AA des WCAG\u{a0}2.1\u{a0}: aucun défaut "
                    "ne doit être détecté\u{202f};"
                </li>
                <li>
                    "réalise l'inscription, la création du mot de passe et la connexion entièrement au "
                    "clavier, sans souris\u{202f};"
                </li>
                <li>
                    "affiche les pages sur des écrans de 360 et de 1\u{a0}280\u{a0}pixels de large et en "
                    "garde une capture pour relecture."
                </li>
            </ul>
            <p class="hint">"Ces vérifications automatiques ne détectent qu'une partie des défauts possibles."</p>
        </section>
        <section class="card">
            <h2>"Contenus non accessibles"</h2>
            <p>
                "Faute d'audit manuel complet, certains critères du RGAA n'ont pas encore été vérifiés, "
                "notamment\u{a0}:"
            </p>
            <ul>
                <li>
                    "la lecture des pages par les lecteurs d'écran, au-delà de ce que les contrôles "
                    "automatiques peuvent vérifier\u{202f};"
                </li>
                <li>
                    "la mise en place d'une application d'authentification passe par un QR code\u{a0}: la clé "
                    "qu'il contient est aussi affichée en texte, à saisir dans l'application si le QR code "
                    "ne peut pas être lu\u{202f};"
                </li>
                <li>
                    "les clés d'accès utilisent des fenêtres du navigateur et du système, dont "
                    "l'accessibilité ne dépend pas de Hub Pro Transport\u{a0}; la connexion par mot de passe "
                    "reste toujours possible."
                </li>
            </ul>
            <p>"Dérogations pour charge disproportionnée\u{a0}: aucune."</p>
            <p>"Contenus non soumis à l'obligation d'accessibilité\u{a0}: aucun."</p>
        </section>
        <section class="card">
            <h2>"Établissement de cette déclaration"</h2>
            <p>"Cette déclaration a été établie le 30\u{a0}novembre 2026."</p>
            <h2>"Technologies utilisées"</h2>
            <ul>
                <li>"HTML5\u{202f};"</li>
                <li>"CSS\u{202f};"</li>
                <li>"WebAssembly et JavaScript."</li>
            </ul>
            <p>"Les formulaires fonctionnent aussi sans JavaScript, à l'exception des clés d'accès."</p>
            <h2>"Environnement de test"</h2>
            <p>
                "Navigateur Chromium, sans affichage, avec l'outil axe-core (règles des niveaux A et AA "
                "des WCAG\u{a0}2.1)."
            </p>
            <p>
                "Pages vérifiées\u{a0}: accueil, création de compte, inscription, création du mot de passe, "
                "connexion, mot de passe oublié, espace administrateur, double authentification, "
                "changement d'administrateur, désignation du nouvel administrateur, accès perdu à "
                "l'adresse du compte, clôture du compte, page «\u{a0}Ce n'est pas nous\u{a0}», pages "
                "d'informations légales et page introuvable."
            </p>
        </section>
        <section class="card">
            <h2>"Retour d'information et contact"</h2>
            <p>
                "Si vous n'arrivez pas à accéder à un contenu ou à un service, contactez le service "
                "support pour être orienté vers une alternative accessible ou obtenir le contenu sous "
                "une autre forme\u{a0}: "
                <strong>{f.support.clone()}</strong>
            </p>
        </section>
        <section class="card">
            <h2>"Voies de recours"</h2>
            <p>
                "Si vous avez signalé au service support un défaut d'accessibilité qui vous empêche "
                "d'accéder à un contenu ou à un service, et que vous n'avez pas obtenu de réponse "
                "satisfaisante, vous pouvez\u{a0}:"
            </p>
            <ul>
                <li>
                    "écrire un message au Défenseur des droits par son "
                    <a href="https://formulaire.defenseurdesdroits.fr/">"formulaire en ligne"</a>
                    "\u{202f};"
                </li>
                <li>
                    "contacter "
                    <a href="https://www.defenseurdesdroits.fr/carte-des-delegues">
                        "le délégué du Défenseur des droits dans votre région"
                    </a>
                    "\u{202f};"
                </li>
                <li>"appeler le 09\u{a0}69\u{a0}39\u{a0}00\u{a0}00\u{202f};"</li>
                <li>
                    "envoyer un courrier par la poste (gratuit, ne pas mettre de timbre)\u{a0}: "
                    "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX\u{a0}07."
                </li>
            </ul>
        </section>
    }
}

#[component]
pub fn PersonalDataPage() -> impl IntoView {
    let f = facts();
    view! {
        <Title text="Données personnelles"/>
        <section class="card">
            <h1>"Données personnelles"</h1>
            <p>
                "Cette page explique quelles données Hub Pro Transport conserve sur les administrateurs "
                "des centres de formation, pourquoi, pendant combien de temps, et comment exercer vos droits."
            </p>
            <h2>"Responsable du traitement"</h2>
            <p>
                {f.operator.clone()} " est responsable des données traitées par Hub Pro Transport. "
                "Pour toute question sur vos données, contactez le service support\u{a0}: "
                <strong>{f.support.clone()}</strong>
            </p>
        </section>
        <section class="card">
            <h2>"Les données conservées, et pourquoi"</h2>
            <dl class="facts">
                <dt>"Le compte"</dt>
                <dd>
                    "Numéro de SIRET et nom de l'organisme\u{a0}; nom, prénom et adresse électronique de "
                    "l'administrateur\u{a0}; établissements rattachés et adresse de leur contact. "
                    "Ils servent à identifier votre centre et à vous écrire."
                </dd>
                <dt>"Le mot de passe"</dt>
                <dd>
                    "Seule son empreinte (argon2id) est conservée\u{a0}: le mot de passe lui-même n'est "
                    "jamais enregistré, et personne ne peut le lire."
                </dd>
                <dt>"La double authentification"</dt>
                <dd>
                    "La clé de l'application d'authentification est conservée chiffrée, les codes de "
                    "secours sous forme d'empreintes et, pour les clés d'accès, seule leur partie publique."
                </dd>
                <dt>"Les sessions"</dt>
                <dd>
                    "Pour chaque connexion ouverte, le navigateur utilisé et l'adresse IP, affichés dans "
                    "votre espace pour que vous repériez une connexion inconnue."
                </dd>
                <dt>"L'historique de sécurité"</dt>
                <dd>
                    "Les événements importants (inscription, connexions, changements de mot de passe, "
                    "de double authentification…) avec l'adresse IP d'où ils viennent, pour détecter et "
                    "établir un usage frauduleux."
                </dd>
                <dt>"Les courriels envoyés"</dt>
                <dd>
                    "Leur destinataire et leur objet, pour vérifier qu'ils sont bien partis\u{a0}; leur "
                    "contenu est effacé au plus tard 7\u{a0}jours après l'envoi."
                </dd>
            </dl>
        </section>
        <section class="card">
            <h2>"Sur quelle base"</h2>
            <p>
                "Ces données sont traitées pour l'exécution de la mission confiée à l'exploitant\u{a0}: "
                "permettre aux centres de formation agréés de transmettre les informations de leurs "
                "stagiaires pour la délivrance des cartes de qualification conducteur. Les sessions, "
                "les adresses IP et l'historique de sécurité reposent aussi sur l'intérêt légitime de "
                "l'exploitant à protéger les comptes et le service."
            </p>
        </section>
        <section class="card">
            <h2>"Combien de temps"</h2>
            <ul>
                <li>
                    "Le compte est conservé tant qu'il est ouvert. Après sa clôture, ou après un "
                    "changement d'administrateur pour l'adresse de l'ancien administrateur, ces "
                    "informations sont gardées " {count(f.closed_retention_days, "jour", "jours")}
                    ", puis effacées."
                </li>
                <li>
                    "Sans connexion pendant " {count(f.inactive_notice_months, "mois", "mois")}
                    ", un courriel vous prévient\u{a0}; sans connexion pendant "
                    {count(f.inactive_close_months, "mois", "mois")} ", le compte est clôturé."
                </li>
                <li>
                    "Une session prend fin après " {count(f.session_idle_minutes, "minute", "minutes")}
                    " sans activité, et au plus tard " {count(f.session_max_hours, "heure", "heures")}
                    " après la connexion."
                </li>
                <li>
                    "Le lien de création du mot de passe reste valable "
                    {count(f.password_link_hours, "heure", "heures")}
                    ", celui de «\u{a0}Mot de passe oublié\u{a0}» "
                    {count(f.reset_link_minutes, "minute", "minutes")} "."
                </li>
                <li>
                    "Un navigateur déjà connecté à votre compte est reconnu pendant "
                    {count(f.known_browser_days, "jour", "jours")} "."
                </li>
                <li>
                    "L'historique de sécurité et les courriels envoyés sont conservés "
                    {count(f.audit_retention_days, "jour", "jours")} "."
                </li>
            </ul>
        </section>
        <section class="card">
            <h2>"Qui y a accès"</h2>
            <p>
                "Le service support de l'exploitant accède à ces données, pour vous aider et pour la "
                "sécurité du service. L'hébergeur du service et le prestataire d'envoi des courriels les "
                "traitent pour le compte de l'exploitant, sans pouvoir les utiliser à d'autres fins. "
                "L'adresse électronique à laquelle la DREAL notifie les agréments de votre centre est "
                "informée des changements d'administrateur, l'adresse du nouvel administrateur y étant "
                "masquée."
            </p>
            <p>
                "Pour vérifier un numéro de SIRET, Hub Pro Transport interroge la base Sirene de "
                "l'INSEE avec ce seul numéro\u{a0}: aucune donnée personnelle ne lui est transmise."
            </p>
        </section>
        <section class="card">
            <h2>"Cookies"</h2>
            <p>
                "Hub Pro Transport n'utilise aucun cookie de mesure d'audience ni de publicité. Il ne "
                "dépose que les cookies strictement nécessaires au service, qui ne demandent pas votre "
                "consentement\u{a0}:"
            </p>
            <ul>
                <li>
                    "la session, qui vous garde connecté (au plus "
                    {count(f.session_max_hours, "heure", "heures")} ")\u{202f};"
                </li>
                <li>"l'étape de connexion, entre le mot de passe et le second facteur (quelques minutes)\u{202f};"</li>
                <li>
                    "le navigateur reconnu, pour que les tentatives de connexion d'autres personnes ne "
                    "bloquent pas la vôtre (" {count(f.known_browser_days, "jour", "jours")} ")\u{202f};"
                </li>
                <li>"la création du mot de passe, le temps de le choisir."</li>
            </ul>
        </section>
        <section class="card">
            <h2>"Vos droits"</h2>
            <p>
                "Vous disposez des droits d'accès, de rectification, d'effacement, de limitation, "
                "d'opposition et de portabilité (articles 15 à 21 du RGPD). Pour les exercer\u{a0}:"
            </p>
            <ul>
                <li>
                    "«\u{a0}Télécharger mes données\u{a0}», dans votre espace, vous remet toutes vos données "
                    "dans un fichier JSON (droits d'accès et de portabilité, articles 15 et 20)\u{202f};"
                </li>
                <li>"«\u{a0}Clôturer le compte\u{a0}», dans votre espace, ferme votre compte\u{202f};"</li>
                <li>
                    "pour toute autre demande, écrivez au service support\u{a0}: "
                    <strong>{f.support.clone()}</strong>
                </li>
            </ul>
            <p>
                "Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une "
                "réclamation à la CNIL\u{a0}: " <a href="https://www.cnil.fr">"www.cnil.fr"</a>
            </p>
        </section>
    }
}

#[component]
pub fn LegalNoticePage() -> impl IntoView {
    let f = facts();
    view! {
        <Title text="Mentions légales"/>
        <section class="card">
            <h1>"Mentions légales"</h1>
            <dl class="facts">
                <dt>"Éditeur"</dt><dd>{f.operator.clone()}</dd>
                <dt>"Directeur de la publication"</dt><dd>{f.publication_director.clone()}</dd>
                <dt>"Hébergeur"</dt><dd>{f.host.clone()}</dd>
                <dt>"Contact"</dt><dd>{f.support.clone()}</dd>
            </dl>
        </section>
        <section class="card">
            <h2>"Propriété intellectuelle"</h2>
            <p>
                "Les textes et les éléments graphiques de Hub Pro Transport appartiennent à l'éditeur\u{a0}: "
                "leur reproduction sans son autorisation est interdite."
            </p>
        </section>
        <section class="card">
            <h2>"Voir aussi"</h2>
            <ul>
                <li><A href=crate::routes::ACCESSIBILITY>"Déclaration d'accessibilité"</A></li>
                <li><A href=crate::routes::PERSONAL_DATA>"Données personnelles"</A></li>
            </ul>
        </section>
    }
}
