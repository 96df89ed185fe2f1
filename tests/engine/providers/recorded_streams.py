"""Streams as the providers send them (shapes copied from real OpenAI and Anthropic traffic),
with tool calls, thinking, multi-byte text and usage, plus the turn each one must rebuild to."""

from __future__ import annotations

OPENAI_CHAT_TOOL_STREAM = (
    'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732300000,'
    '"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"role":"assistant",'
    '"content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}\n\n'
    'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732300000,'
    '"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"Let me check — '
    'ça prend 1 sec 🚀."},"logprobs":null,"finish_reason":null}],"usage":null}\n\n'
    'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732300000,'
    '"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,'
    '"id":"call_abc","type":"function","function":{"name":"get_reservation_details",'
    '"arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}\n\n'
    'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732300000,'
    '"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,'
    '"function":{"arguments":"{\\"reservation_"}}]},"logprobs":null,"finish_reason":null}],'
    '"usage":null}\n\n'
    'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732300000,'
    '"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,'
    '"function":{"arguments":"id\\": \\"ZFA04Y\\"}"}}]},"logprobs":null,"finish_reason":null}],'
    '"usage":null}\n\n'
    'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732300000,'
    '"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,'
    '"id":"call_def","type":"function","function":{"name":"get_user_details",'
    '"arguments":"{\\"user_id\\": \\"mia_li_3668\\"}"}}]},"logprobs":null,'
    '"finish_reason":null}],"usage":null}\n\n'
    'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732300000,'
    '"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{},"logprobs":null,'
    '"finish_reason":"tool_calls"}],"usage":null}\n\n'
    ": keep-alive comment\n\n"
    'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1732300000,'
    '"model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":2150,'
    '"completion_tokens":61,"total_tokens":2211,"prompt_tokens_details":{"cached_tokens":1920,'
    '"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}\n\n'
    "data: [DONE]\n\n"
)

OPENAI_CHAT_EXPECTED = {
    "text": "Let me check — ça prend 1 sec 🚀.",
    "tool_calls": [
        ("call_abc", "get_reservation_details", '{"reservation_id": "ZFA04Y"}'),
        ("call_def", "get_user_details", '{"user_id": "mia_li_3668"}'),
    ],
    "stop_reason": "tool_calls",
    "usage": (2150, 61, 1920, None),
}

ANTHROPIC_TOOL_STREAM = (
    "event: message_start\r\n"
    'data: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant",'
    '"model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,'
    '"usage":{"input_tokens":12,"cache_creation_input_tokens":300,'
    '"cache_read_input_tokens":4100,"output_tokens":1}}}\r\n\r\n'
    "event: content_block_start\r\n"
    'data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking",'
    '"thinking":"","signature":""}}\r\n\r\n'
    "event: content_block_delta\r\n"
    'data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta",'
    '"thinking":"The user wants the booking; I need "}}\r\n\r\n'
    "event: content_block_delta\r\n"
    'data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta",'
    '"thinking":"their reservation id."}}\r\n\r\n'
    "event: content_block_delta\r\n"
    'data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta",'
    '"signature":"EqQBCgIYAhIM1gbcDa"}}\r\n\r\n'
    "event: content_block_stop\r\n"
    'data: {"type":"content_block_stop","index":0}\r\n\r\n'
    "event: ping\r\n"
    'data: {"type": "ping"}\r\n\r\n'
    "event: content_block_start\r\n"
    'data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}'
    "\r\n\r\n"
    "event: content_block_delta\r\n"
    'data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta",'
    '"text":"Je vérifie "}}\r\n\r\n'
    "event: content_block_delta\r\n"
    'data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta",'
    '"text":"la réservation 日本."}}\r\n\r\n'
    "event: content_block_stop\r\n"
    'data: {"type":"content_block_stop","index":1}\r\n\r\n'
    "event: content_block_start\r\n"
    'data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use",'
    '"id":"toolu_01A","name":"get_reservation_details","input":{}}}\r\n\r\n'
    "event: content_block_delta\r\n"
    'data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta",'
    '"partial_json":""}}\r\n\r\n'
    "event: content_block_delta\r\n"
    'data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta",'
    '"partial_json":"{\\"reservation_id\\": "}}\r\n\r\n'
    "event: content_block_delta\r\n"
    'data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta",'
    '"partial_json":"\\"ZFA04Y\\"}"}}\r\n\r\n'
    "event: content_block_stop\r\n"
    'data: {"type":"content_block_stop","index":2}\r\n\r\n'
    "event: message_delta\r\n"
    'data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},'
    '"usage":{"output_tokens":89}}\r\n\r\n'
    "event: message_stop\r\n"
    'data: {"type":"message_stop"}\r\n\r\n'
)

ANTHROPIC_EXPECTED = {
    "text": "Je vérifie la réservation 日本.",
    "tool_calls": [("toolu_01A", "get_reservation_details", '{"reservation_id": "ZFA04Y"}')],
    "stop_reason": "tool_use",
    "usage": (4412, 89, 4100, 300),
    "thinking": "The user wants the booking; I need their reservation id.",
}

RESPONSES_TOOL_STREAM = (
    "event: response.created\n"
    'data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1",'
    '"object":"response","status":"in_progress","model":"gpt-4.1","output":[],"usage":null}}\n\n'
    "event: response.output_item.added\n"
    'data: {"type":"response.output_item.added","sequence_number":1,"output_index":0,'
    '"item":{"id":"msg_1","type":"message","status":"in_progress","role":"assistant",'
    '"content":[]}}\n\n'
    "event: response.output_text.delta\n"
    'data: {"type":"response.output_text.delta","sequence_number":2,"item_id":"msg_1",'
    '"output_index":0,"content_index":0,"delta":"Checking — "}\n\n'
    "event: response.output_text.delta\n"
    'data: {"type":"response.output_text.delta","sequence_number":3,"item_id":"msg_1",'
    '"output_index":0,"content_index":0,"delta":"один момент."}\n\n'
    "event: response.output_item.added\n"
    'data: {"type":"response.output_item.added","sequence_number":4,"output_index":1,'
    '"item":{"id":"fc_1","type":"function_call","status":"in_progress","arguments":"",'
    '"call_id":"call_9","name":"get_user_details"}}\n\n'
    "event: response.function_call_arguments.delta\n"
    'data: {"type":"response.function_call_arguments.delta","sequence_number":5,'
    '"item_id":"fc_1","output_index":1,"delta":"{\\"user_id\\":"}\n\n'
    "event: response.function_call_arguments.delta\n"
    'data: {"type":"response.function_call_arguments.delta","sequence_number":6,'
    '"item_id":"fc_1","output_index":1,"delta":" \\"mia_li_3668\\"}"}\n\n'
)

RESPONSES_COMPLETED = (
    "event: response.completed\n"
    'data: {"type":"response.completed","sequence_number":7,"response":{"id":"resp_1",'
    '"object":"response","status":"completed","model":"gpt-4.1","output":[{"id":"msg_1",'
    '"type":"message","status":"completed","role":"assistant","content":[{"type":"output_text",'
    '"text":"Checking — один момент.","annotations":[]}]},{"id":"fc_1","type":"function_call",'
    '"status":"completed","arguments":"{\\"user_id\\": \\"mia_li_3668\\"}","call_id":"call_9",'
    '"name":"get_user_details"}],"usage":{"input_tokens":3000,"input_tokens_details":'
    '{"cached_tokens":2048},"output_tokens":40,"output_tokens_details":{"reasoning_tokens":0},'
    '"total_tokens":3040}}}\n\n'
)
