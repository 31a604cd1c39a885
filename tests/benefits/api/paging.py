"""Walking an API list's pages, as a client does."""

from __future__ import annotations


def walk(client, address: str, **headers) -> tuple[list[int], list[int]]:
    """Every page's ids following `next` to the end, then following `previous` back to the
    start (each page's ids kept in their order)."""
    forwards: list[int] = []
    pages = []
    while address:
        response = client.get(address, headers=headers)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append(body)
        forwards += [item["id"] for item in body["items"]]
        address = body["next"]
    backwards = [item["id"] for item in pages[-1]["items"]]
    address = pages[-1]["previous"]
    while address:
        body = client.get(address, headers=headers).json()
        backwards = [item["id"] for item in body["items"]] + backwards
        address = body["previous"]
    return forwards, backwards
