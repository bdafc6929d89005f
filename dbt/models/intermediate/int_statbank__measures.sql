-- Base measures per region and year (persons, births, jobs, ...), each the sum of the StatBank
-- cells that define it, on today's codes. Indicators are ratios of these.
with cells as (
    select * from {{ ref('int_statbank__cells_on_current_codes') }}
)

{{ measure('population', '07459', 'Personer1') }}
union all
{{ measure('pop_0_19', '07459', 'Personer1', "dims->>'Alder' in ('F311', 'F312', 'F313', 'F314', 'F315')") }}
union all
{{ measure('pop_20_66', '07459', 'Personer1', "dims->>'Alder' in ('F316', 'F317')") }}
union all
{{ measure('pop_67_plus', '07459', 'Personer1', "dims->>'Alder' in ('F318', 'F319', 'F320')") }}
union all
{{ measure('pop_80_plus', '07459', 'Personer1', "dims->>'Alder' in ('F319', 'F320')") }}
union all
{{ measure('women_20_44', '07459', 'Personer1', "dims->>'Alder' = 'F316' and dims->>'Kjonn' = '2'") }}
union all
{{ measure('men_20_44', '07459', 'Personer1', "dims->>'Alder' = 'F316' and dims->>'Kjonn' = '1'") }}
union all
{{ measure('births', '06913', 'Levende') }}
union all
{{ measure('deaths', '06913', 'Dode') }}
union all
{{ measure('net_domestic_migration', '09588', 'NettoInnland') }}
union all
{{ measure('net_immigration', '09588', 'Nettoinnvandring') }}
union all
{{ measure('immigrants', '09817', 'Personer1', "dims->>'InnvandrKat' = 'B'") }}
union all
{{ measure('jobs', '13470', 'SysselsatteArb') }}
union all
{{ measure('private_sector_jobs', '13472', 'SysselEtterArbste', "dims->>'Sektor' = 'A+B+D+E.0-1+9'") }}
union all
{{ measure('sector_jobs', '13472', 'SysselEtterArbste') }}
union all
{{ measure('employed_residents', '11616', 'SysselBosted') }}
union all
{{ measure('jobs_located', '11616', 'SysselArbsted') }}
union all
{{ measure('in_commuters', '11616', 'Innpendlere') }}
union all
{{ measure('out_commuters', '11616', 'Utpendlere') }}
union all
{{ measure('establishments', '10309', 'Bedrifter') }}
union all
{{ measure('new_enterprises', '08316', 'Foretak') }}
union all
{{ measure('persons_16_plus', '09429', 'Personer') }}
union all
{{ measure('higher_education', '09429', 'Personer', "dims->>'Nivaa' in ('03a', '04a')") }}
