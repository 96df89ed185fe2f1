"""Copy-paste snippets that point an agent at the proxy, for the Connect panel and the empty
Traffic page. Generated from the proxy's actual address so they are right after a port change."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Snippet:
    title: str
    language: str
    code: str


def base_url(host: str, port: int) -> str:
    """An IPv6 host (`::1`) needs brackets in a URL."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def snippets(host: str, port: int) -> list[Snippet]:
    base = base_url(host, port)
    return [
        Snippet("OpenAI SDK", "python",
                "from openai import OpenAI\n\n"
                f'client = OpenAI(base_url="{base}/v1")\n'
                "reply = client.chat.completions.create(\n"
                '    model="gpt-4o-mini",\n'
                '    messages=[{"role": "user", "content": "Hello"}],\n)'),
        Snippet("Anthropic SDK", "python",
                "from anthropic import Anthropic\n\n"
                f'client = Anthropic(base_url="{base}")\n'
                "reply = client.messages.create(\n"
                '    model="claude-sonnet-4-5", max_tokens=1024,\n'
                '    messages=[{"role": "user", "content": "Hello"}],\n)'),
        Snippet("Environment", "shell",
                f"export OPENAI_BASE_URL={base}/v1\n"
                f"export ANTHROPIC_BASE_URL={base}\n"
                "# then start your agent from this shell; API keys pass through unchanged"),
        Snippet("curl", "shell",
                f"curl {base}/v1/chat/completions \\\n"
                '  -H "Authorization: Bearer $OPENAI_API_KEY" \\\n'
                '  -H "Content-Type: application/json" \\\n'
                "  -d '{\"model\": \"gpt-4o-mini\", "
                "\"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}'"),
    ]
