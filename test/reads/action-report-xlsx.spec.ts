import ExcelJS from 'exceljs';
import { actionWorkbook, sheetName } from '../../src/reads/action-report-xlsx';

/** Issue #24 point 8: an action's name is user text; its workbook's sheet name must still be one Excel takes. */
describe("an action's workbook", () => {
  it.each([["Sortie d'hiver'"], ["'Kermesse'"], ['Classe [verte]: 2/3 ?*'], ['🎉'.repeat(40)], ["''''"], ['\u202eFête\u0007']])('named %j', async (name) => {
    const bytes = await actionWorkbook({ name, totalIn: 0, totalOut: 0, balance: 0, rows: [] }, 'Coop', '2025-2026');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const title = workbook.worksheets[0].name;
    expect(title).toBe(sheetName(`Action ${name}`));
    expect(title.length).toBeLessThanOrEqual(31);
    expect(title).not.toMatch(/^'|'$|[:\\/?*[\]\u0000-\u001f\u202e]/);
  });
});
