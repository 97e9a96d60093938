"""Council papers (Vorlagen), committees' meetings and deliberations, published through OParl."""
