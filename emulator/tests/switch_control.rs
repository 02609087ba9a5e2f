//! The switches as a whole: the control API (`GET`/`PUT /_emulator/switches`, reset restoring the
//! start-up switches), the library accessors, and the switches that change reads (page_size,
//! nested_nulls).

mod common;

use common::*;
use graph_emulator::{Emulator, EmulatorConfig, Switches};
use reqwest::Method;
use serde_json::{json, Value};

async fn switches_json(h: &Harness) -> Value {
    let resp = h.control(Method::GET, "/switches", None).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("json")
}

#[tokio::test]
async fn all_switches_are_off_by_default() {
    let h = start().await;
    assert_eq!(h.emu.switches(), Switches::default());
    assert_eq!(
        switches_json(&h).await,
        json!({
            "strict_create": false,
            "service_provider_forbidden_on_create": false,
            "multi_tenant_organization_read_only": false,
            "sync_delete_status": null,
            "page_size": null,
            "service_provider_read_only_on_update": false,
            "nested_nulls": false,
            "no_allowed_cloud_endpoints": false,
        })
    );
}

#[tokio::test]
async fn put_replaces_all_and_reset_restores_the_start_up_switches() {
    let start_up = Switches {
        strict_create: true,
        page_size: Some(5),
        ..Switches::default()
    };
    let h = start_with(EmulatorConfig {
        switches: start_up.clone(),
        ..EmulatorConfig::for_tests()
    })
    .await;
    assert_eq!(h.emu.switches(), start_up);
    let body = json!({"sync_delete_status": 409, "nested_nulls": true});
    let resp = h.control(Method::PUT, "/switches", Some(body)).await;
    assert_eq!(resp.status(), 204);
    let expected = Switches {
        sync_delete_status: Some(409),
        nested_nulls: true,
        ..Switches::default()
    };
    assert_eq!(h.emu.switches(), expected, "PUT replaces every switch");
    let got: Switches = serde_json::from_value(switches_json(&h).await).expect("switches");
    assert_eq!(got, expected);
    assert_eq!(h.control(Method::POST, "/reset", None).await.status(), 204);
    assert_eq!(h.emu.switches(), start_up);
    h.emu.set_switches(Switches::default());
    assert_eq!(h.emu.switches(), Switches::default());
    h.emu.reset();
    assert_eq!(h.emu.switches(), start_up);
}

#[tokio::test]
async fn put_refuses_bad_bodies_and_keeps_the_switches() {
    let h = start().await;
    h.emu.set_switches(Switches {
        strict_create: true,
        ..Switches::default()
    });
    let before = h.emu.switches();
    let bad_bodies = [
        json!({"strict": true}),
        json!({"strict_create": "yes"}),
        json!({"sync_delete_status": 204}),
        json!([]),
    ];
    for body in bad_bodies {
        let resp = h
            .control(Method::PUT, "/switches", Some(body.clone()))
            .await;
        assert_eq!(resp.status(), 400, "{body}");
        let err: Value = resp.json().await.expect("json");
        assert!(err["error"].is_string(), "{err}");
    }
    let raw = h
        .client
        .put(h.url("/_emulator/switches"))
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_eq!(raw.status(), 400);
    assert_eq!(h.emu.switches(), before);
}

#[tokio::test]
async fn an_invalid_start_up_status_is_a_config_error() {
    let config = EmulatorConfig {
        switches: Switches {
            sync_delete_status: Some(99),
            ..Switches::default()
        },
        ..EmulatorConfig::for_tests()
    };
    let started = Emulator::start("127.0.0.1:0".parse().expect("addr"), config).await;
    assert!(started.is_err());
}

#[tokio::test]
async fn page_size_switch_pages_seven_partners_in_three() {
    let h = start().await;
    let token = h.token().await;
    create_numbered(&h, &token, 7).await;
    let pages = list_pages(&h, &token, &h.url(PARTNERS)).await;
    assert_eq!(page_summary(&pages).0, vec![7], "off: config page_size 100");
    h.emu.set_switches(Switches {
        page_size: Some(3),
        ..Switches::default()
    });
    let pages = list_pages(&h, &token, &h.url(PARTNERS)).await;
    let (sizes, ids) = page_summary(&pages);
    assert_eq!(sizes, vec![3, 3, 1]);
    assert_eq!(ids.len(), 7);
    assert!(pages[0]["@odata.nextLink"]
        .as_str()
        .expect("next")
        .contains("$skiptoken="));
    assert!(pages[2].get("@odata.nextLink").is_none(), "last page");
    let expanded = h.url(&format!(
        "{PARTNERS}?$select=tenantId&$expand=identitySynchronization"
    ));
    let pages = list_pages(&h, &token, &expanded).await;
    assert_eq!(page_summary(&pages).0, vec![3, 3, 1]);
    for item in pages.iter().flat_map(|p| p["value"].as_array().expect("v")) {
        let keys = item.as_object().expect("item").len();
        assert_eq!(keys, 2, "query options carried along: {item}");
    }
}

#[tokio::test]
async fn nested_nulls_fill_the_missing_half_only_when_on() {
    let h = start().await;
    let token = h.token().await;
    let half = json!({"applications": {"accessType": "allowed",
        "targets": [{"target": "Office365", "targetType": "application"}]}});
    let resp = h
        .create(
            &token,
            json!({"tenantId": TENANT_A, "b2bDirectConnectInbound": half}),
        )
        .await;
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["b2bDirectConnectInbound"], half, "echoed as sent");
    h.emu.set_switches(Switches {
        nested_nulls: true,
        ..Switches::default()
    });
    let path = format!("{PARTNERS}/{TENANT_A}");
    let got: Value = h
        .send(Method::GET, &path, &token, None)
        .await
        .json()
        .await
        .expect("json");
    let section = got["b2bDirectConnectInbound"].as_object().expect("section");
    assert_eq!(section.get("usersAndGroups"), Some(&Value::Null));
    assert_eq!(section["applications"], half["applications"]);
    let partner = h.emu.partner(TENANT_A).expect("stored");
    assert_eq!(
        partner["b2bDirectConnectInbound"]["usersAndGroups"],
        Value::Null
    );
}
