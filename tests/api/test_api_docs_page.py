import re


def test_the_docs_page_styles_only_with_the_csp_nonce(client, analyst):
    client.force_login(analyst)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    styles = re.findall(r"<style([^>]*)>", response.content.decode())
    assert styles == [f' nonce="{nonce}"']
    assert "swagger-ui-bundle.js" in response.content.decode()
