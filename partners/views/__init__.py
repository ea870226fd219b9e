"""Views of the partner registry: thin — the first line fetches through partners.access,
then a form is validated and one service called (STYLE.md §5)."""
