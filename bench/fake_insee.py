#!/usr/bin/env python3
"""Benchmark double of INSEE's API Sirene 3.11 (real wire format): every SIRET is an active
establishment, answered after LATENCY_MS. Usage: fake_insee.py PORT LATENCY_MS"""
import json, sys, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

LATENCY = 0.0


def establishment(siret):
    """The API's answer for an active establishment `siret` (bench/fake_insee_quota.py too)."""
    return {
        "header": {"statut": 200, "message": "ok"},
        "etablissement": {
            "siren": siret[:9], "nic": siret[9:], "siret": siret,
            "statutDiffusionEtablissement": "O", "etablissementSiege": True,
            "uniteLegale": {"etatAdministratifUniteLegale": "A", "statutDiffusionUniteLegale": "O",
                            "denominationUniteLegale": "CENTRE DE BANC", "sigleUniteLegale": None,
                            "denominationUsuelle1UniteLegale": None, "nomUniteLegale": None,
                            "nomUsageUniteLegale": None, "prenom1UniteLegale": None,
                            "prenomUsuelUniteLegale": None, "categorieJuridiqueUniteLegale": "5710",
                            "activitePrincipaleUniteLegale": "85.53Z"},
            "adresseEtablissement": {"numeroVoieEtablissement": "1", "typeVoieEtablissement": "RUE",
                                     "libelleVoieEtablissement": "DU BANC", "complementAdresseEtablissement": None,
                                     "codePostalEtablissement": "75001", "libelleCommuneEtablissement": "PARIS"},
            "periodesEtablissement": [{"dateFin": None, "dateDebut": "2019-01-01",
                                       "etatAdministratifEtablissement": "A", "enseigne1Etablissement": None,
                                       "denominationUsuelleEtablissement": None,
                                       "activitePrincipaleEtablissement": "85.53Z"}]}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        time.sleep(LATENCY)
        body = json.dumps(establishment(self.path.rsplit("/", 1)[-1])).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    PORT, LATENCY = int(sys.argv[1]), int(sys.argv[2]) / 1000.0
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
