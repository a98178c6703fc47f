"""Performance evaluation, recipient surveys and the credit loop (绩效评价 · 优胜劣汰)."""
