//! Hostile Graph JSON: deep nesting, cut-off files and byte-level damage get diagnostics, never a
//! panic or a hang.

use entralint::check::check_source;
use proptest::prelude::*;

const RESPONSE: &str = r##"{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignments(principal())",
  "value": [
    {"id": "a", "principalId": "ace08ec9-aa11-4ada-9145-addf0398233e", "directoryScopeId": "/",
     "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10",
     "principal": {"@odata.type": "#microsoft.graph.user", "id": "ace08ec9-aa11-4ada-9145-addf0398233e",
                   "displayName": "J\u00f6rg \ud83d\ude00", "userType": "Guest", "accountEnabled": true}}
  ]
}"##;

#[test]
fn deep_nesting_is_refused_at_the_limit() {
    let text = format!(
        "{{\"@odata.context\": \"x/$metadata#users\", \"value\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let report = check_source("deep.json", text.as_bytes(), true, None).unwrap();
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["nesting-too-deep"]);
}

#[test]
fn every_prefix_of_a_response_loads_or_reports() {
    for end in (0..=RESPONSE.len()).filter(|&i| RESPONSE.is_char_boundary(i)) {
        let text = &RESPONSE[..end];
        if let Some(report) = check_source("cut.json", text.as_bytes(), true, None) {
            let whole = end == RESPONSE.len();
            assert_eq!(
                report.diagnostics.is_empty(),
                whole,
                "cut at {end}: {:?}",
                report.diagnostics
            );
        }
    }
}

#[test]
fn escapes_decode() {
    let report = check_source("esc.json", RESPONSE.as_bytes(), true, None).unwrap();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn damaged_responses_never_panic(
        at in 0..RESPONSE.len(),
        len in 0..8usize,
        junk in prop::collection::vec(any::<u8>(), 0..6),
    ) {
        let mut bytes = RESPONSE.as_bytes().to_vec();
        let end = (at + len).min(bytes.len());
        bytes.splice(at..end, junk);
        let _ = check_source("damaged.json", &bytes, true, None);
    }
}
