package org.alexnet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HistoryTest {

    @Test
    void tablePrintsRoundedNumbersButKeepsExactValues() {
        History h = new History();
        h.add(new EpochRecord(
                1,
                0.6584437796592713,
                0.7572,
                0.77,
                Double.NaN,
                66.89526897623286,
                0.009999999776482582,
                81.461695224));
        var table = h.toTable();
        String text = table.printAll();
        assertTrue(text.contains("0.6584"), text);
        assertTrue(text.contains("66.9"), text);
        assertTrue(text.contains("0.01"), text);
        assertTrue(text.contains("81.5"), text);
        assertFalse(text.contains("0.6584437"), text);
        assertFalse(text.contains("0.00999999"), text);
        assertEquals(0.6584437796592713, table.doubleColumn("train_loss").get(0));
        // The CSV keeps every digit, so a resumed run continues from exact numbers.
        assertEquals(h.records(), History.fromCsv(h.toCsv()).records());
    }
}
