"""The LKjIP data (SOP step 7): data (tables), workbook (.xlsx), dokumen (.docx), sumber."""
