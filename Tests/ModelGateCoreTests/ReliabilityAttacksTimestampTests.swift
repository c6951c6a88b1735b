import Foundation
import ModelGateCore
import Testing

/// Issue 15 item 9: a registry's number becomes a date only through checked conversions.
@Suite("Reliability: attacks — timestamps")
struct ReliabilityAttacksTimestampTests {
    // Item 9: Int64.max ms as a date then back to milliseconds trapped (Double 2^63 → Int64).
    @Test func extremeDatesNeverTrapWhenConvertedBack() {
        for ms in [Int64.max, Int64.min, Int64.max - 1, -Int64.max] {
            let date = Timestamp.date(milliseconds: ms)
            #expect(Timestamp.range.contains(Timestamp.milliseconds(date)))
            _ = Timestamp.format(milliseconds: ms)
        }
        for seconds in [Double.infinity, -Double.infinity, .nan, 1e300, -1e300] {
            #expect(Timestamp.range.contains(Timestamp.milliseconds(Date(timeIntervalSince1970: seconds))))
        }
    }

    // Item 9: the checked conversions answer nil outside years 0000–9999 and for non-finite numbers.
    @Test func checkedConversionsRefuseOutOfRangeNumbers() {
        #expect(Timestamp.checkedDate(milliseconds: Int64.max) == nil)
        #expect(Timestamp.checkedDate(milliseconds: Int64.min) == nil)
        #expect(Timestamp.checkedMilliseconds(seconds: Int64.max) == nil)  // seconds × 1000 overflows
        #expect(Timestamp.checkedMilliseconds(seconds: Int64(9_300_000_000_000_000)) == nil)
        #expect(Timestamp.checkedMilliseconds(seconds: Int64(253_402_300_800)) == nil)  // year 10000
        #expect(Timestamp.checkedMilliseconds(seconds: Double.nan) == nil)
        #expect(Timestamp.checkedMilliseconds(seconds: Double.infinity) == nil)
        #expect(Timestamp.checkedMilliseconds(seconds: 1e300) == nil)
        #expect(Timestamp.checkedMilliseconds(seconds: 1_795_707_138.285) == 1_795_707_138_285)
        #expect(Timestamp.checkedMilliseconds(seconds: Int64(-1)) == -1000)
        #expect(Timestamp.checkedDate(seconds: Int64(0)) == Date(timeIntervalSince1970: 0))
        #expect(Timestamp.format(milliseconds: Timestamp.range.lowerBound) == "0000-01-01T00:00:00.000Z")
        #expect(Timestamp.format(milliseconds: Timestamp.range.upperBound) == "9999-12-31T23:59:59.999Z")
    }

    // Item 9: parsing stays inside the range even with an offset pushing past year 9999.
    @Test func parsedTimestampsStayInRange() {
        #expect(Timestamp.parseMilliseconds("9999-12-31T23:59:59.999Z") == Timestamp.range.upperBound)
        #expect(Timestamp.parseMilliseconds("9999-12-31T23:59:59-23:59") == nil)
        #expect(Timestamp.parseMilliseconds("0000-01-01T00:00:00+01:00") == nil)
    }
}
