"""Data access: the only code that talks to DynamoDB and knows key, index and attribute names."""
