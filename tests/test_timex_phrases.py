"""Table-driven checks of the temporal engine: phrase, anchor -> type, value, mod."""
from __future__ import annotations

from datetime import date

import pytest

from app.records import BASIS_RELATIVE, BASIS_STATED, BASIS_YEAR_INFERRED
from app.timex import find_timexes

A = date(2025, 1, 20)  # a Monday

# (text, anchor, expected expression text, type, value, mod)
CASES = [
    # absolute dates as newspapers print them
    ("It was signed on January 20, 2025.", A, "January 20, 2025", "DATE", "2025-01-20", None),
    ("It was signed on 20 January 2025.", A, "20 January 2025", "DATE", "2025-01-20", None),
    ("Published 2025-01-20 in Kyiv.", A, "2025-01-20", "DATE", "2025-01-20", None),
    ("Filed 1/20/2025 by the clerk.", A, "1/20/2025", "DATE", "2025-01-20", None),
    ("Filed 20/01/2025 by the clerk.", A, "20/01/2025", "DATE", "2025-01-20", None),
    ("Posted Jan 20 by the agency.", A, "Jan 20", "DATE", "2025-01-20", None),
    ("Signed 20 Jan 2025 in Kyiv.", A, "20 Jan 2025", "DATE", "2025-01-20", None),
    ("Updated 2025-01-20T10:30:00Z.", A, "2025-01-20T10:30:00Z", "TIME", "2025-01-20T10:30", None),
    ("Prices soared in the 2000s.", A, "the 2000s", "DATE", "200", None),
    ("The deal closed in July 1997.", A, "July 1997", "DATE", "1997-07", None),
    ("The army left in 2019.", A, "2019", "DATE", "2019", None),
    ("Fears grew as the year 2000 approached.", A, "the year 2000", "DATE", "2000", None),
    ("Prices hit that level in the winter of nineteen ninety-four.", A, "the winter of nineteen ninety-four",
     "DATE", "1994-WI", None),
    ("January nineteen ninety-seven. Atlanta again.", A, "January nineteen ninety-seven", "DATE", "1997-01", None),
    ("Tanks were built in the 1990s.", A, "the 1990s", "DATE", "199", None),
    ("Ruins from the 11th century stood.", A, "the 11th century", "DATE", "10", None),
    ("Talks resumed on Jan. 6, officials said.", A, "Jan. 6", "DATE", "2025-01-06", None),
    # underspecified: the anchor and the tense choose the year
    ("This particular offensive, which began on August 6, marks a shift.", A, "August 6", "DATE", "2024-08-06", None),
    ("Reports indicated on November 17 during diplomatic engagements.", A, "November 17", "DATE", "2024-11-17", None),
    ("The summit will open on March 3.", A, "March 3", "DATE", "2025-03-03", None),
    ("Elections were held in May.", date(2025, 11, 2), "May", "DATE", "2025-05", None),
    ("The troops arrived in March.", date(2025, 11, 2), "March", "DATE", "2025-03", None),
    ("Ministers will meet in March.", date(2025, 11, 2), "March", "DATE", "2026-03", None),
    ("Elections were set for this September.", date(1998, 2, 5), "this September", "DATE", "1998-09", None),
    ("This January was the coldest.", date(1998, 10, 25), "This January", "DATE", "1998-01", None),
    ("Ministers met on Friday.", A, "Friday", "DATE", "2025-01-17", None),
    ("Ministers will meet on Friday.", A, "Friday", "DATE", "2025-01-24", None),
    ("The agency will publish its estimate on Tuesday, and growth is expected to slow.", date(2013, 3, 22),
     "Tuesday", "DATE", "2013-03-26", None),
    ("Troops withdrew on Tuesday, but the talks will resume.", date(2013, 3, 22), "Tuesday", "DATE",
     "2013-03-19", None),
    ("He will be installed at a Mass on March 19.", date(2000, 1, 7), "March 19", "DATE", "2000-03-19", None),
    ("The strike hit the port last Friday.", A, "last Friday", "DATE", "2025-01-17", None),
    ("The rights expire Dec. 7.", date(1989, 10, 27), "Dec. 7", "DATE", "1989-12-07", None),
    # relative dates
    ("He spoke yesterday.", A, "yesterday", "DATE", "2025-01-19", None),
    ("The offer ran in today's editions.", A, "today", "DATE", "2025-01-20", None),
    ("It ends tomorrow.", A, "tomorrow", "DATE", "2025-01-21", None),
    ("The shelling continued last week.", A, "last week", "DATE", "2025-W03", None),
    ("Prices fell last month.", A, "last month", "DATE", "2024-12", None),
    ("Exports rose this year.", A, "this year", "DATE", "2025", None),
    ("Growth slowed a year ago.", A, "a year ago", "DATE", "2024", None),
    ("They left two days later.", A, "two days", "DURATION", "P2D", None),
    ("A few days later, the company announced losses.", A, "A few days", "DURATION", "PXD", None),
    ("Two days from now the vote opens.", A, "Two days from now", "DATE", "2025-01-22", None),
    ("The season started a month earlier than usual.", A, "a month", "DURATION", "P1M", None),
    ("A day earlier, trucks crossed the border.", A, "A day earlier", "DURATION", "P1D", None),
    ("Prices rose 0.3% from a month earlier.", date(2013, 3, 20), "a month earlier", "DATE", "2013-02", None),
    ("The offensive stalled earlier this year.", A, "earlier this year", "DATE", "2025", "START"),
    ("Fighting resumed this summer.", date(2024, 9, 1), "this summer", "DATE", "2024-SU", None),
    ("The campaign began last fall.", A, "last fall", "DATE", "2024-FA", None),
    ("The following month, prices fell.", A, "The following month", "DATE", "2025-02", None),
    ("The bridge reopened in late 2024.", A, "late 2024", "DATE", "2024", "END"),
    ("Trade grew early last year.", A, "early last year", "DATE", "2024", "START"),
    ("Talks resume in mid-August.", A, "mid-August", "DATE", "2024-08", "MID"),
    ("Profit rose in the third quarter.", date(2024, 10, 25), "the third quarter", "DATE", "2024-Q3", None),
    ("Profit rose at the end of the year.", A, "the end of the year", "DATE", "2025", "END"),
    ("It will open by the end of the decade.", A, "the end of the decade", "DATE", "202", "END"),
    ("Net income for the fiscal year ended March 31 rose.", A, "the fiscal year", "DURATION", "P1Y", None),
    ("In the year to March, sales rose.", A, "the year", "DURATION", "P1Y", None),
    ("We look to the year to come.", date(2013, 3, 20), "the year", "DATE", "2013", None),
    ("Sales were $4 million, up from $3 million a year earlier.", A, "a year earlier", "DATE", "2024", None),
    ("Third-quarter profit rose 5% from a year earlier.", date(1989, 10, 26), "a year earlier", "DATE", "1988-Q3", None),
    # present, past and future as wholes
    ("The front is now quiet.", A, "now", "DATE", "PRESENT_REF", None),
    ("He recently visited Kyiv.", A, "recently", "DATE", "PAST_REF", None),
    ("In recent years the market moved.", A, "recent years", "DATE", "PAST_REF", None),
    ("There were sell programs in past years, too.", A, "past years", "DATE", "PAST_REF", None),
    ("Profit fell in recent months.", A, "recent months", "DURATION", "PXM", None),
    ("Forces could stay in the gulf for some time.", A, "some time", "DURATION", "PXX", None),
    ("We will live without it for a while.", A, "a while", "DURATION", "PXX", None),
    ("It placates holders in the short term.", A, "the short term", "DATE", "FUTURE_REF", None),
    ("It sold the unit this past spring.", A, "this past spring", "DATE", "2024-SP", None),
    ("It forecast higher earnings for the full year.", date(1989, 10, 30), "the full year", "DATE", "1989", None),
    ("It lasted a full year.", A, "a full year", "DURATION", "P1Y", None),
    ("Net rose from the year-earlier third quarter.", date(1989, 10, 30), "the year-earlier third quarter",
     "DATE", "1988-Q3", None),
    ("Net rose from the comparable year-ago quarter.", date(1989, 10, 30), "the comparable year-ago quarter",
     "DATE", "1988-Q3", None),
    ("Net for the year-earlier nine months rose.", date(1989, 10, 30), "the year-earlier nine months",
     "DURATION", "P9M", None),
    ("Peace may come in the future.", A, "the future", "DATE", "FUTURE_REF", None),
    # times
    ("The vote closes at 5 p.m. Tuesday.", A, "5 p.m. Tuesday", "TIME", "2025-01-21T17:00", None),
    ("He arrived Tuesday at 9 a.m.", date(2013, 3, 20), "9 a.m.", "TIME", "2013-03-19T09:00", None),
    ("The deadline is Monday at midnight.", date(2013, 3, 20), "midnight", "TIME", "2013-03-18T24:00", None),
    ("The blast came at 10:35 a.m.", A, "10:35 a.m.", "TIME", "2025-01-20T10:35", None),
    ("Sirens sounded this morning.", A, "this morning", "TIME", "2025-01-20TMO", None),
    ("Drones struck last night.", A, "last night", "TIME", "2025-01-19TNI", None),
    # a weekday's part is finer than a day: TIME, like "this morning"
    ("The vote was held Tuesday night.", date(2013, 3, 20), "Tuesday night", "TIME", "2013-03-19TNI", None),
    ("He spoke Wednesday afternoon.", date(2013, 3, 20), "Wednesday afternoon", "TIME", "2013-03-20TAF", None),
    ("Shelling began late Friday night.", date(2013, 3, 20), "late Friday night", "TIME", "2013-03-15TNI", "END"),
    ("Shelling began early Friday.", date(2013, 3, 20), "early Friday", "DATE", "2013-03-15", "START"),
    ("By mid afternoon, sources said so.", A, "mid afternoon", "TIME", "2025-01-20TAF", None),
    ("At mid-afternoon yesterday, shares rose.", A, "mid-afternoon yesterday", "TIME", "2025-01-19TAF", None),
    ("Prices fell Friday. Dealers bought in the morning.", A, "the morning", "TIME", "2025-01-17TMO", None),
    ("Rebels attacked late last night.", A, "late last night", "TIME", "2025-01-19TNI", "END"),
    # durations and vague spans
    ("The siege lasted two years.", A, "two years", "DURATION", "P2Y", None),
    ("Losses mounted over the past two years.", A, "the past two years", "DURATION", "P2Y", None),
    # vague amounts offered as alternatives are one vague span
    ("It could take several days or weeks.", A, "several days or weeks", "DURATION", "PXD", None),
    ("He died within weeks or months of his capture.", A, "weeks or months", "DURATION", "PXW", None),
    ("In recent years and decades, prices rose.", A, "recent years and decades", "DATE", "PAST_REF", None),
    ("The talks lasted two days and 3 hours.", A, "3 hours", "DURATION", "PT3H", None),
    ("It lasted three days or weeks.", A, "three days", "DURATION", "P3D", None),
    ("More attacks are expected in the upcoming weeks.", A, "the upcoming weeks", "DURATION", "PXW", None),
    ("The convoy waited for hours.", A, "hours", "DURATION", "PTXH", None),
    # vague decades, quarters, centuries in the unit a counted one is written in
    ("The feud has lasted for decades.", A, "decades", "DURATION", "PXY", None),
    ("Insurance has been a tough business in recent quarters.", A, "recent quarters", "DURATION", "PXM", None),
    ("The town was ruled from Moscow for centuries.", A, "centuries", "DURATION", "PXY", None),
    ("He served a year and a half.", A, "a year and a half", "DURATION", "P1Y6M", None),
    ("A 10-hour flight.", A, "10-hour", "DURATION", "PT10H", None),
    ("The truce held for nearly two years.", A, "nearly two years", "DURATION", "P2Y", "EQUAL_OR_LESS"),
    ("The talks took more than a decade.", A, "more than a decade", "DURATION", "P10Y", "MORE_THAN"),
    ("Sales fell in the first nine months.", A, "the first nine months", "DURATION", "P9M", None),
    # sets
    ("Patrols run every week.", A, "every week", "SET", "P1W", None),
    ("The report is published annually.", A, "annually", "SET", "P1Y", None),
    ("Ferries sail daily.", A, "daily", "SET", "P1D", None),
    ("The council meets each Thursday.", A, "each Thursday", "SET", "XXXX-WXX-4", None),
    ("It costs $5 a year.", A, "a year", "SET", "P1Y", None),
    ("Qantas runs four flights a week.", A, "a week", "SET", "P1W", None),
    ("Agents do hundreds of interviews a day.", A, "a day", "SET", "P1D", None),
    ("Up to 300 people a day cross the border.", A, "a day", "SET", "P1D", None),
    ("The shop is closed on weekends.", A, "weekends", "SET", "XXXX-WXX-WE", None),
    ("He visits in the mornings.", A, "mornings", "SET", "XXXX-XX-XXTMO", None),
    ("Gunmen killed 30 people a day after the vote.", A, "a day", "DURATION", "P1D", None),
    ("The ultimatum gave 300 workers a day to leave.", A, "a day", "DURATION", "P1D", None),
    # referring back to the text, and other shapes
    ("He fled on June 3, 2009 and later that year he died.", A, "later that year", "DATE", "2009", "END"),
    # "that quarter" is the quarter last named, not the day last named
    ("It lost money in the second quarter, ended Oct. 31. Results for that quarter included a charge.",
     date(1989, 10, 27), "that quarter", "DATE", "1989-Q2", None),
    ("The pandemic of 2009-2010 killed 348 children.", A, "2010", "DATE", "2010", None),
    ("Protesters gathered over the weekend.", date(2013, 3, 20), "the weekend", "DATE", "2013-W11-WE", None),
    ("Talks will resume this weekend.", date(2013, 3, 18), "this weekend", "DATE", "2013-W12-WE", None),
    ("The delivery could take weeks or even months.", A, "weeks or even months", "DURATION", "PXW", None),
    ("The step came following months of requests.", A, "months", "DURATION", "PXM", None),
    ("The father will leave at 4 in the morning.", A, "4 in the morning", "TIME", "2025-01-20T04:00", None),
    ("The deal should close by year-end.", A, "year-end", "DATE", "2025", "END"),
    ("A year-long inquiry began.", A, "year-long", "DURATION", "P1Y", None),
    ("A weeklong strike ended.", A, "weeklong", "DURATION", "P1W", None),
    ("The yearlong probe ended.", A, "yearlong", "DURATION", "P1Y", None),
    ("The monthslong standoff ended.", A, "monthslong", "DURATION", "PXM", None),
    ("They set off on a 10-day-long trek.", A, "10-day-long", "DURATION", "P10D", None),
    ("They kept the secret for more than two thousand years.", A, "more than two thousand years", "DURATION",
     "P2000Y", "MORE_THAN"),
    ("The pact lasted three hundred years.", A, "three hundred years", "DURATION", "P300Y", None),
    ("He faces 15-20 years in prison.", A, "15-20 years", "DURATION", "P20Y", "APPROX"),
    ("The city is 5,000 years old and took 1,500 days to dig out.", A, "1,500 days", "DURATION", "P1500D", None),
    ("It could take two-three weeks.", A, "two-three weeks", "DURATION", "PXW", None),
    ("Markets said 2012 was a hard year.", A, "2012", "DATE", "2012", None),
    ("Prices fell. 1996 has been hard.", A, "1996", "DATE", "1996", None),
    ("Nineteen ninety-six was a good year.", A, "Nineteen ninety-six", "DATE", "1996", None),
    ("In the last year and a half, prices rose.", A, "the last year and a half", "DURATION", "P1Y6M", None),
    ("The siege lasted six-and-a-half years.", A, "six-and-a-half years", "DURATION", "P6Y6M", None),
    ("The feud lasted a quarter-century.", A, "a quarter-century", "DURATION", "P25Y", None),
    ("A quarter century ago, the wall fell.", date(2013, 3, 20), "A quarter century ago", "DATE", "1988", None),
    ("Half a century ago, the dam broke.", date(2013, 3, 20), "Half a century ago", "DATE", "1963", None),
    ("Wait a quarter hour.", A, "a quarter hour", "DURATION", "PT15M", None),
    ("Profit rose in a quarter that lost money elsewhere.", A, "a quarter", "DURATION", "P3M", None),
    ("Eight trading days after Oct. 12, the index fell.", A, "Eight trading days", "DURATION", "P8D", None),
    ("Payment is due within 30 business days.", A, "30 business days", "DURATION", "P30D", None),
    ("The work will be done in a fortnight.", A, "a fortnight", "DURATION", "P2W", None),
    ("Talks ended a fortnight ago.", date(2013, 3, 20), "a fortnight ago", "DATE", "2013-W10", None),
    ("The council meets fortnightly.", A, "fortnightly", "SET", "P2W", None),
    ("Profit rose in Q4 2012.", A, "Q4 2012", "DATE", "2012-Q4", None),
    ("Sales for 2013 Q1 fell.", A, "2013 Q1", "DATE", "2013-Q1", None),
    ("H1 2013 sales rose.", A, "H1 2013", "DATE", "2013-H1", None),
    ("Sales fell in the first half of the year.", A, "the first half of the year", "DATE", "2025-H1", None),
    ("He was shot last Oct. 23 at his home.", date(1999, 4, 19), "last Oct. 23", "DATE", "1998-10-23", None),
    ("Ratification began in February this year.", date(1998, 12, 3), "February this year", "DATE", "1998-02", None),
    ("In July last year the leadership split.", date(1998, 2, 19), "July last year", "DATE", "1997-07", None),
    # holidays: fixed, on a weekday of a month, moving with Easter, and their weeks
    ("Crowds marched on St. Patrick's Day.", date(2013, 3, 20), "St. Patrick's Day", "DATE", "2013-03-17", None),
    ("It is a theme from now to Election Day.", date(1998, 10, 26), "Election Day", "DATE", "1998-11-03", None),
    ("He was found last Thanksgiving.", date(2000, 1, 10), "last Thanksgiving", "DATE", "1999-11-25", None),
    ("Stores will close on Memorial Day.", date(2013, 3, 20), "Memorial Day", "DATE", "2013-05-27", None),
    ("The pope will say Mass on Palm Sunday.", date(2013, 3, 20), "Palm Sunday", "DATE", "2013-03-24", None),
    ("Services are held on Good Friday.", date(2025, 4, 1), "Good Friday", "DATE", "2025-04-18", None),
    ("Easter Sunday 2012 was cold.", A, "Easter Sunday 2012", "DATE", "2012-04-08", None),
    ("Protesters prayed as Easter week began.", date(2000, 4, 17), "Easter week", "DATE", "2000-W16", None),
    ("Mother\u2019s Day sales rose.", date(2013, 3, 20), "Mother\u2019s Day", "DATE", "2013-05-12", None),
    # capitalised time words that are not names: sentence starts, leads, holidays, headlines
    ("Today the talks resume.", A, "Today", "DATE", "2025-01-20", None),
    ("NICOSIA, Cyprus (AP) -- Tonight the parliament votes.", A, "Tonight", "TIME", "2025-01-20TNI", None),
    ("Elian was found Thanksgiving Day clinging to an inner tube.", date(2000, 1, 7), "Thanksgiving Day",
     "DATE", "1999-11-25", None),
    ("Pope Meets Benedict Two Weeks After Election", A, "Two Weeks", "DURATION", "P2W", None),
    ("Funds may sell junk in the weeks ahead.", A, "the weeks ahead", "DURATION", "PXW", None),
    ("In the weeks ahead of the summit, talks stalled.", A, "weeks", "DURATION", "PXW", None),
    # "one day" after a modal is some day to come; elsewhere an amount
    ("Islam will one day be the second largest religion.", A, "one day", "DATE", "FUTURE_REF", None),
    ("He hopes he might one day return.", A, "one day", "DATE", "FUTURE_REF", None),
    ("The strike will last one day.", A, "one day", "DURATION", "P1D", None),
    ("He was sentenced to one day in jail.", A, "one day", "DURATION", "P1D", None),
    ("It could take one day or two.", A, "one day", "DURATION", "P1D", None),
    ("He earns $50 an hour.", A, "an hour", "SET", "PT1H", None),
    ("The trip took 10 hours.", A, "10 hours", "DURATION", "PT10H", None),
    # a day counted from the start of an event; "today is" puts it on the anchor
    ("It was the second day of talks.", A, "the second day", "DATE", "XXXX-XX-XX", None),
    ("He would do so on his first day in office.", A, "first day", "DATE", "XXXX-XX-XX", None),
    ("Today is the eighth day of the operation.", date(1990, 8, 15), "the eighth day", "DATE", "1990-08-15",
     None),
    ("The post-1959 politics split families.", A, "post-1959", "DATE", "1959", "AFTER"),
    ("Prices fell to pre-2008 levels.", A, "pre-2008", "DATE", "2008", "BEFORE"),
    # a second day of the same month
    ("The summit is on April 24 and 25.", date(1999, 2, 10), "25", "DATE", "1999-04-25", None),
    ("The talks are set for March 19 and 20 in Brussels.", date(2013, 3, 1), "20", "DATE", "2013-03-20", None),
    ("The banks stayed shut March 16-27, officials said.", date(2013, 3, 30), "27", "DATE", "2013-03-27", None),
    ("The fair runs Sept. 12 to 15 in Paris.", date(2013, 3, 30), "15", "DATE", "2013-09-15", None),
    # a year after a possessive names a thing, even before a plural noun
    ("The company restated its 2012 results.", date(2013, 3, 22), "2012", "DATE", "2012", None),
    # an hour named with o'clock
    ("He spoke at nine o'clock.", A, "nine o'clock", "TIME", "2025-01-20T09:00", None),
    # a part of the day next to the anchor's: a TIME like "Friday morning"
    ("He appeared in court the next morning.", date(2000, 2, 22), "the next morning", "TIME", "2000-02-23TMO", None),
    ("They left the following evening.", A, "the following evening", "TIME", "2025-01-21TEV", None),
    ("He had returned the previous night.", A, "the previous night", "TIME", "2025-01-19TNI", None),
    ("He left the next day.", A, "the next day", "DATE", "2025-01-21", None),
    # a day counted from an event: beside a date it is that date, else next to the day last named
    ("He arrived the day before yesterday.", A, "the day before yesterday", "DATE", "2025-01-18", None),
    ("He leaves the day after tomorrow.", A, "the day after tomorrow", "DATE", "2025-01-22", None),
    ("Trading days after Oct. 12, the day before the plunge, prices fell.", date(1989, 10, 30), "the day",
     "DATE", "1989-10-12", None),
    ("He was shot on Friday, Oct. 23. Two men came the day after his death.", date(1998, 11, 21), "the day",
     "DATE", "1998-10-24", None),
    ("They came the day after his death.", A, "the day", "DATE", "XXXX-XX-XX", None),
    # a month modifying a noun after an article; a hyphenated "late-"/"early-" month
    ("The March accession will enable the three to join.", date(1999, 2, 10), "March", "DATE", "1999-03", None),
    ("It sold itself under a June agreement with a dissident group.", date(1989, 10, 27), "June", "DATE",
     "1989-06", None),
    ("The May elections will be close.", date(2013, 3, 20), "May", "DATE", "2013-05", None),
    ("He was kidnapped on the late-November trip.", date(2000, 1, 28), "the late-November", "DATE", "1999-11",
     "END"),
    ("Troops arrived in early-March.", date(2013, 3, 20), "early-March", "DATE", "2013-03", "START"),
    # spelled-out years in broadcast transcripts
    ("It was built in nineteen ninety-six.", A, "nineteen ninety-six", "DATE", "1996", None),
]


@pytest.mark.parametrize("text,anchor,phrase,type_,value,mod", CASES)
def test_phrase(text, anchor, phrase, type_, value, mod):
    found = {t.text: t for t in find_timexes(text, anchor)}
    assert phrase in found, f"{phrase!r} not found in {text!r}: {list(found)}"
    t = found[phrase]
    assert (t.type, t.value, t.mod) == (type_, value, mod)
    assert text[t.start:t.end] == t.text


# Words and numbers that date libraries misread; none of them is a date.
FALSE_FRIENDS = [
    "The talks may resume soon, he said.",
    "Protesters march to the square.",
    "Crews repaired a T-64 and a Challenger 2 near the river.",
    "F-16 jets flew over the base.",
    "Ukraine invoked Article 51 of the charter.",
    "Moscow sent 50,000 troops to the border.",
    "See page 1990 of the report, model 2000 of the range.",
    "He counted 12 tanks and 300 drones.",
    "Me and him went on and on.",
    "Sales rose 5.6% to 1,200 units.",
    "A 6-year-old girl was rescued.",
    "About three-quarters of the town was destroyed.",
    "Some 2000 soldiers were wounded.",
    "The 76-year-old leader resigned.",
    "The talks will last.",
    "March on, he told the crowd.",
    "Jan Smith and Dec Jones spoke.",
    "Children ages 6 months and older should be vaccinated.",
    "The boy, 6 years old, was rescued.",
    "It is a lesson for today's youth.",
    "Prices are high in today's dollars.",
    "The houses belong to the family.",
    "Headlong, he ran into the Longworth building.",
    "He appeared on a morning talk show.",
    "He runs in the morning.",
    "The H5N1 virus spread; a Q&A followed.",
    "He drove a Q7.",
    "Chocolate easter eggs sold well in a good season.",
    "Two thousand troops arrived.",
    "During the decade, the century saw wars.",
    "The blast happened at 1900 GMT.",
    "In the early hours, rebels attacked.",
    "Marchers joined the March of Dimes.",
    "He joined the March for Life.",
    "It was a May to remember.",
    "The march was long.",
    "He spoke later in the day before returning home.",
    "He was seen, the day before authorities issued a warrant.",
    "Its 2,000 employees left; the plant runs around the clock.",
    "Results for that quarter included a charge.",  # no quarter named before it
    # time words capitalised inside names of papers and shows
    "He told USA Today that he would run.",
    "Gonzalez said on CBS's ''60 Minutes.''",
    'Baker, speaking on ABC News\' "This Week," said the request stood.',
    "The private group runs it. This is VOA Today.",
    "He showed a still from the film ``High Noon.''",
    "The first day-care center opened.",
    # units of measure built on a time unit
    "The car drove at 60 miles per hour.",
    "Wind gusts of 100 kilometers an hour hit the coast.",
    "The chip runs 15 million instructions per second.",
    "The plant makes 500 kilowatt hours of power.",
]

# "April 24 and 25 people": the number after "and" is no second day
SECOND_DAY_FALSE_FRIENDS = [
    ("On April 24 and 25 people died.", "25"),
    ("Scores were March 3-4 points.", "4"),
    ("The vote on March 3 and 2 others failed.", "2"),
    ("It was held on Feb. 28 and 30.", "30"),
]


@pytest.mark.parametrize("text,number", SECOND_DAY_FALSE_FRIENDS)
def test_a_number_after_a_date_is_not_always_a_second_day(text, number):
    found = [t.text for t in find_timexes(text, A)]
    assert number not in found and len(found) == 1


@pytest.mark.parametrize("text", FALSE_FRIENDS)
def test_false_friends_are_not_dates(text):
    assert find_timexes(text, A) == []


VAGUE_NEVER_A_DAY = [
    "It could take several days or weeks.",
    "Over the past two years the front barely moved.",
    "Further strikes are likely in the upcoming weeks.",
    "In recent months the shelling intensified.",
    "The coming days will be decisive.",
]


@pytest.mark.parametrize("text", VAGUE_NEVER_A_DAY)
def test_vague_spans_never_get_a_day(text):
    found = find_timexes(text, A)
    assert found, text
    for t in found:
        assert not (t.type == "DATE" and len(t.value) == 10 and t.value[4] == "-"), t


def test_without_anchor_values_keep_placeholders():
    values = {t.text: t.value for t in find_timexes(
        "On August 6 and Friday, last week and last year, he spoke yesterday.", None)}
    assert values == {"August 6": "XXXX-08-06", "Friday": "XXXX-WXX-5", "last week": "XXXX-WXX",
                      "last year": "XXXX", "yesterday": "XXXX-XX-XX"}


def test_basis_says_how_the_value_was_obtained():
    found = {t.text: t.basis for t in find_timexes(
        "On January 20, 2025 and on August 6, yesterday, for two years.", A)}
    assert found == {"January 20, 2025": BASIS_STATED, "August 6": BASIS_YEAR_INFERRED,
                     "yesterday": BASIS_RELATIVE, "two years": ""}


def test_a_datetime_anchor_counts_as_its_date():
    from datetime import datetime
    assert [t.value for t in find_timexes("It began on August 6.", datetime(2025, 1, 20, 9, 30))] == ["2024-08-06"]


def test_results_are_sorted_and_do_not_overlap():
    text = ("On Monday, Jan. 6, 2025, at 5 p.m. Tuesday and in the past two years, "
            "early last year, a year ago and every week, 1990s.")
    found = find_timexes(text, A)
    assert [t.start for t in found] == sorted(t.start for t in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))
