"""The public disclosure portal: notices, results, feeds and search (信息公开)."""
