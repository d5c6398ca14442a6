"""The "llm" source: candidates from any OpenAI-compatible endpoint (`source`), the prompt it sends
(`prompt`) and how answers become candidates (`parse`). `openai` is imported only by `source`."""
