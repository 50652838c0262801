-- French elides "de" before a vowel: the bureaus seeded as "Bureau d'état civil de Assilah" are
-- "Bureau d'état civil d'Assilah" (names::FrenchDe gives the seed the same form).
UPDATE bureaus
SET name_fr = 'Bureau d''état civil d''' || substr(name_fr, length('Bureau d''état civil de ') + 1)
WHERE name_fr LIKE 'Bureau d''état civil de %'
  AND substr(name_fr, length('Bureau d''état civil de ') + 1, 1) IN
      ('A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u', 'À', 'Â', 'Ä', 'É', 'È', 'Ê', 'Ë', 'Î', 'Ï',
       'Ô', 'Ö', 'Ù', 'Û', 'Ü');
