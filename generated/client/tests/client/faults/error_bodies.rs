//! Error pages and bodies of every shape.

use super::*;

#[tokio::test]
async fn an_html_error_page_is_kept_and_retried() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(502)
                .header("content-type", "text/html")
                .body("<html>Bad gateway</html>");
        })
        .await;
    let error = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect_err("502");
    let shown = error.to_string();
    assert!(shown.contains("<html>Bad gateway</html>"), "{shown}");
    assert!(shown.contains("502"), "{shown}");
    let api = api(error);
    assert_eq!(api.status, StatusCode::BAD_GATEWAY);
    assert!(api.errors.is_empty());
    assert_eq!(api.body, "<html>Bad gateway</html>");
    assert_eq!(api.attempts, 3);
    assert_eq!(mock.calls_async().await, 3);
}

#[tokio::test]
async fn json_labelled_text_plain_still_decodes() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(200)
                .header("content-type", "text/plain")
                .body(route_ok().to_string());
        })
        .await;
    let route = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect("the body is JSON whatever its label says");
    assert_eq!(route.name, "support-bot");
}

#[tokio::test]
async fn an_html_page_with_status_200_is_a_decode_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(200)
                .header("content-type", "text/html")
                .body("<html>Please enable cookies</html>");
        })
        .await;
    let error = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect_err("HTML is not the route");
    let Error::Decode(decode) = &error else {
        panic!("expected Error::Decode, got {error:?}");
    };
    assert_eq!(decode.operation, "get_route");
    assert!(decode.snippet.contains("Please enable cookies"));
    assert!(error.to_string().contains("get_route"));
}

#[tokio::test]
async fn auth_and_not_found_errors_are_typed_carry_the_ray_id_and_are_not_retried() {
    for (status, code, message) in [
        (401, 10000, "Authentication error"),
        (403, 10000, "Authentication error"),
        (404, 7003, "Could not route to /routes/route-1"),
    ] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(GET).path(route_path(ROUTE_ID));
                then.status(status)
                    .header("cf-ray", "8f1e2d3c4b5a6978-LHR")
                    .json_body(error_body(code, message));
            })
            .await;
        let error = client(&server.base_url())
            .gateway(ACCOUNT, GATEWAY)
            .get_route(ROUTE_ID)
            .await
            .expect_err("an error status");
        assert_eq!(error.is_auth(), status != 404, "{status}");
        assert_eq!(error.is_not_found(), status == 404, "{status}");
        assert!(!error.is_rate_limited());
        assert!(error.has_code(code), "{error:?}");
        assert!(!error.has_code(1));
        assert!(!error.may_have_been_applied());
        let shown = error.to_string();
        assert!(
            shown.contains(message) && shown.contains(&code.to_string()),
            "{shown}"
        );
        assert!(shown.contains("8f1e2d3c4b5a6978-LHR"), "{shown}");
        let api = api(error);
        assert_eq!(api.status.as_u16(), status);
        assert_eq!(api.ray_id.as_deref(), Some("8f1e2d3c4b5a6978-LHR"));
        assert_eq!(api.attempts, 1);
        assert_eq!(api.errors.len(), 1);
        assert_eq!(api.errors[0].message, message);
        assert_eq!(mock.calls_async().await, 1, "{status}");
    }
}

#[tokio::test]
async fn error_bodies_of_any_shape_keep_the_status() {
    // (body, each error's code and message)
    type Expected = Vec<(Option<i64>, &'static str)>;
    let cases: Vec<(String, Expected)> = vec![
        (
            r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null}"#.into(),
            vec![(Some(10000), "Authentication error")],
        ),
        (
            r#"{"success":false,"errors":[{"code":7001,"message":"a"}],"result":[]}"#.into(),
            vec![(Some(7001), "a")],
        ),
        (
            r#"{"success":false,"errors":[{"code":7002,"message":"b"}]}"#.into(),
            vec![(Some(7002), "b")],
        ),
        (
            r#"{"success":false,"errors":[{"message":"no code"}],"result":{}}"#.into(),
            vec![(None, "no code")],
        ),
        (
            r#"{"success":false,"errors":[{"code":"10000","message":"string code"}]}"#.into(),
            vec![(Some(10000), "string code")],
        ),
        (
            r#"{"success":false,"errors":[{"code":12}, "bare text", 5]}"#.into(),
            vec![(Some(12), ""), (None, "bare text"), (None, "")],
        ),
        (r#"{"success":false,"errors":null}"#.into(), vec![]),
        (r#"{"success":false,"errors":{"code":1}}"#.into(), vec![]),
        (String::new(), vec![]),
        (r#"{"success":false,"errors":[{"#.into(), vec![]),
        ("not json at all".into(), vec![]),
        ("[1,2,3]".into(), vec![]),
    ];
    let server = MockServer::start_async().await;
    for (body, expected) in cases {
        let mock = server
            .mock_async(|when, then| {
                when.method(GET).path(route_path(ROUTE_ID));
                then.status(400)
                    .header("content-type", "application/json")
                    .body(body.clone());
            })
            .await;
        let error = client(&server.base_url())
            .gateway(ACCOUNT, GATEWAY)
            .get_route(ROUTE_ID)
            .await
            .expect_err("400");
        let _ = error.to_string();
        let api = api(error);
        assert_eq!(api.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(api.body, body);
        let got: Vec<(Option<i64>, &str)> = api
            .errors
            .iter()
            .map(|m| (m.code, m.message.as_str()))
            .collect();
        assert_eq!(got, expected, "{body}");
        assert_eq!(mock.calls_async().await, 1, "{body}");
        mock.delete_async().await;
    }
}

#[tokio::test]
async fn a_decode_failure_names_the_field_path() {
    let server = MockServer::start_async().await;
    let mut body = route_ok();
    body["result"]["elements"][0]["outputs"] = json!({});
    server
        .mock_async(|when, then| {
            when.method(GET).path(route_path(ROUTE_ID));
            then.status(200).json_body(body);
        })
        .await;
    let error = client(&server.base_url())
        .gateway(ACCOUNT, GATEWAY)
        .get_route(ROUTE_ID)
        .await
        .expect_err("a start without `next`");
    let Error::Decode(decode) = &error else {
        panic!("expected Error::Decode, got {error:?}");
    };
    assert_eq!(decode.operation, "get_route");
    assert!(decode.path.contains("elements"), "{decode:?}");
    assert!(decode.message.contains("next"), "{decode:?}");
    assert!(error.to_string().contains(&decode.path), "{error}");
}
