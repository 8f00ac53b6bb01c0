"""Browser-free campaign rules: strings and dates in, typed values out.

The action manager reads texts off LinkedIn's pages; these modules decide what they mean
(birthday status, invitation age, experience dates), what to send (templates) and where to
search (people-search URL, fit score). Nothing here touches Playwright, storage or the clock:
`today`/`now` are always passed in, so every rule is testable on its own.
"""
