from datetime import date

from jiebang.supervision.workdays import add_working_days, is_working_day, working_days_between


def test_national_day_and_its_make_up_day_on_the_chinese_calendar():
    # 2026: 1–7 October are holidays, Saturday 10 October is a make-up working day.
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 10, 8), 2) == date(2026, 10, 10)
    assert is_working_day(date(2026, 10, 10)) and not is_working_day(date(2026, 10, 11))
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3


def test_a_year_the_package_does_not_know_counts_weekdays():
    assert add_working_days(date(2099, 1, 2), 1) == date(2099, 1, 5)  # Friday → Monday
