"""Offline seaborn penguins: seaborn's exact frame, from palmerpenguins, without writing into the user's folders."""

import pytest

pytest.importorskip("seaborn")
pytest.importorskip("palmerpenguins")

# Rows of seaborn-data's penguins.csv (index: species, island, bill length, bill depth, flipper, mass, sex).
SEABORN_ROWS = {
    0: ("Adelie", "Torgersen", 39.1, 18.7, 181.0, 3750.0, "Male"),
    3: ("Adelie", "Torgersen", None, None, None, None, None),
    8: ("Adelie", "Torgersen", 34.1, 18.1, 193.0, 3475.0, None),
    151: ("Adelie", "Dream", 41.5, 18.5, 201.0, 4000.0, "Male"),
    152: ("Chinstrap", "Dream", 46.5, 17.9, 192.0, 3500.0, "Female"),
    219: ("Chinstrap", "Dream", 50.2, 18.7, 198.0, 3775.0, "Female"),
    220: ("Gentoo", "Biscoe", 46.1, 13.2, 211.0, 4500.0, "Female"),
    339: ("Gentoo", "Biscoe", None, None, None, None, None),
    343: ("Gentoo", "Biscoe", 49.9, 16.1, 213.0, 5400.0, "Male"),
}

PROBE = """
import json
import seaborn as sns
df = sns.load_dataset("penguins")
print("JSON", json.dumps({
    "columns": list(df.columns),
    "dtypes": {c: str(t) for c, t in df.dtypes.items()},
    "shape": list(df.shape),
    "sex": sorted(df["sex"].dropna().unique().tolist()),
    "sex_missing": int(df["sex"].isna().sum()),
    "species_counts": df["species"].value_counts().sort_index().to_dict(),
    "index": [int(df.index[0]), int(df.index[-1])],
    "rows": {i: [None if v != v else v for v in df.iloc[i].tolist()] for i in %s},
}))
""" % sorted(SEABORN_ROWS)


@pytest.fixture
def frame(runner):
    import json

    proc = runner.run(runner.script(PROBE))
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.split("JSON ")[1]), runner


def test_columns_and_shape(frame):
    data, _ = frame
    assert data["columns"] == ["species", "island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm",
                               "body_mass_g", "sex"]
    assert data["shape"] == [344, 7]
    assert data["index"] == [0, 343]


def test_dtypes_as_seaborn_reads_its_csv(frame):
    data, _ = frame
    for column in ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"):
        assert data["dtypes"][column] == "float64"
    for column in ("species", "island", "sex"):
        assert data["dtypes"][column] in ("object", "str", "string")


def test_sex_values_and_species(frame):
    data, _ = frame
    assert data["sex"] == ["Female", "Male"]
    assert data["sex_missing"] == 11
    assert data["species_counts"] == {"Adelie": 152, "Chinstrap": 68, "Gentoo": 124}


@pytest.mark.parametrize("index", sorted(SEABORN_ROWS))
def test_rows_match_seaborn_order_and_values(frame, index):
    data, _ = frame
    assert data["rows"][str(index)] == list(SEABORN_ROWS[index])


def test_nothing_written_into_home(frame):
    _, runner = frame
    assert [f for f in runner.home_files() if "seaborn" in f] == []


def test_temporary_data_home_is_removed_at_exit(runner, tmp_path):
    proc = runner.run(runner.script("""
        import seaborn as sns
        from minikeras.dropin import datasets
        sns.load_dataset("penguins")
        print("HOME", datasets.offline_data_home())
    """))
    assert proc.returncode == 0, proc.stderr
    import os

    home = proc.stdout.split("HOME ")[1].strip()
    assert not os.path.exists(home)


def test_an_existing_cache_is_used(runner, tmp_path):
    cache = tmp_path / "seaborn-cache"
    cache.mkdir()
    (cache / "penguins.csv").write_text("species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,"
                                        "body_mass_g,sex\nAdelie,Dream,1,2,3,4,MALE\n")
    proc = runner.run(runner.script("import seaborn as sns\nprint('ROWS', len(sns.load_dataset('penguins')))\n"),
                      env={"SEABORN_DATA": str(cache)})
    assert proc.returncode == 0, proc.stderr
    assert "ROWS 1" in proc.stdout


def test_other_datasets_are_left_to_seaborn(runner):
    proc = runner.run(runner.script("import seaborn as sns\nsns.load_dataset('tips')\n"))
    # Offline, seaborn itself fails for tips: minikeras serves only the lesson's penguins.
    assert proc.returncode == 1


def test_same_frame_as_the_csv_minikeras_writes():
    from minikeras.dropin import datasets

    csv_frame = datasets.seaborn_penguins_csv_frame()
    assert list(csv_frame.columns) == ["species", "island", "bill_length_mm", "bill_depth_mm",
                                       "flipper_length_mm", "body_mass_g", "sex"]
    assert set(csv_frame["sex"].dropna()) == {"MALE", "FEMALE"}
