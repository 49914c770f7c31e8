def test_every_page_links_the_articles_and_sources(client, analyst):
    client.force_login(analyst)
    for url in ["/", "/corpus/sources/"]:
        page = client.get(url).content.decode()
        assert '<a href="/">Articles</a>' in page
        assert 'href="/corpus/sources/"' in page
    assert (
        '<a href="/corpus/sources/" aria-current="page">Sources</a>'
        in client.get("/corpus/sources/").content.decode()
    )
