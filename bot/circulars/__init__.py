"""District circulars (回覧板) and safety checks (安否確認): subscriptions, fan-out, answers."""
