-- 0002: the source lines of each finding (credentials masked), so the web
-- report can show the offending lines without the checkout, which is deleted
-- after the scan.

CREATE TABLE finding_lines (
    finding_id INTEGER NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    -- 1-based line number in the finding's file.
    line       INTEGER NOT NULL,
    -- The line's text, credentials masked.
    text       TEXT    NOT NULL,
    -- The byte range within text that the finding covers, when it covers
    -- part of this line.
    hl_start   INTEGER,
    hl_end     INTEGER,
    PRIMARY KEY (finding_id, line)
);
