"""Export a pack's matters as an .xlsx 实施清单, and import that layout back into a pack.

The workbook has the sheets 事项 (one row per matter), 申请材料 (one row per material),
表单字段 (one row per form field), 事项包 (pack metadata, departments and certificate
types as JSON) and 说明 (notes for editors). Materials and form fields name their matter
by 事项编号 and keep the order of their rows. Multi-valued cells hold one value a line.
Cells whose content is a list of objects hold JSON.

Import reports every error in one pass: bad headers, sheets and cells, and the pack
validation errors of whatever it could read, leaving out those that repeat a cell error.
It writes the pack folder only when there is no error, by renaming a finished temporary
folder.

The modules: `layout` names the sheets and columns, and `cells` converts cell values.
`exporter` writes a workbook. `importer` reads one through `rows` (one sheet's rows) and
`sheets` (matters and the 事项包 rows), and `pack_writer` writes and validates the pack.
"""
