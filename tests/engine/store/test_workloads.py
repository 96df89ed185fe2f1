from __future__ import annotations

import pytest

from engine.store.workloads import Workload, classify


@pytest.mark.parametrize("tool, content_type, workload", [
    ("grep", "search", Workload.CODE_SEARCH),
    ("ripgrep", "text", Workload.CODE_SEARCH),
    ("query_logs", "json", Workload.LOG_ANALYSIS),
    ("kubectlLogs", "text", Workload.LOG_ANALYSIS),
    ("execute_sql", "json", Workload.DATABASE),
    ("read_file", "code", Workload.FILE_READS),
    ("web_search", "search", Workload.WEB),
    ("fetchUrl", "html", Workload.WEB),
    ("lookup", "log", Workload.LOG_ANALYSIS),
    ("lookup", "html", Workload.WEB),
    ("get_weather", "json", Workload.OTHER),
    (None, "text", Workload.CONVERSATION),
])
def test_workload_comes_from_tool_name_then_content_type(
        tool: str | None, content_type: str, workload: Workload) -> None:
    assert classify(tool, content_type) is workload
