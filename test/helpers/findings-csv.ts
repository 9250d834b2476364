/**
 * The header row of findings.csv, written out: it is a contract with the spreadsheets and scripts
 * people keep (a column renamed, dropped or moved breaks them), so the tests compare the file with
 * this literal rather than with the production constant (handlers/core/evidence/csv.ts).
 */
export const FINDINGS_CSV_HEADER =
  'execution,account_id,user_name,credential,access_key_id,last_used,created_at,days_unused,' +
  'finding_reason,threshold_days,approved,result,skip_reason,before,after,changed_at,live_last_used,' +
  'restored_at,restored_state,restored_by,verified,verified_state,action,deactivated_by,deactivated_at,' +
  'key_created_at';
