package dev.canopy.sample;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BinaryHousingTest {

    @Test
    void deriveReplacesMedHouseValByWhetherItIsAboveTwo() {
        String csv = "MedInc,MedHouseVal,HouseAge\n8.3,4.526,41\n2.1,2.0,10\n3.0,2.001,20\n1.5,0.5,5\n";
        assertEquals("MedInc,MedHouseVal_over_2,HouseAge\n8.3,1,41\n2.1,0,10\n3.0,1,20\n1.5,0,5\n",
                BinaryHousing.derive(csv), "2.0 itself is not above 2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BinaryHousing.derive("a,b\n1,2\n"));
        assertTrue(e.getMessage().contains("no MedHouseVal column"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BinaryHousing.derive("MedHouseVal\nabc\n"));
        assertTrue(e.getMessage().startsWith("row 1: MedHouseVal \"abc\""), e.getMessage());
    }

    @Test
    void generatedRowsHaveBothClassesAndRepeatForASeed() {
        String csv = BinaryHousing.generate(2000, 42);
        List<String> lines = csv.lines().toList();
        assertEquals(CaliforniaHousing.HEADER.replace("MedHouseVal", BinaryHousing.TARGET), lines.getFirst());
        assertEquals(2001, lines.size());
        long positive = lines.stream().skip(1).filter(l -> l.endsWith(",1")).count();
        assertTrue(positive > 400 && positive < 1600, positive + " of 2000 above the threshold: both classes, neither rare");
        assertEquals(csv, BinaryHousing.generate(2000, 42));
        assertTrue(!csv.equals(BinaryHousing.generate(2000, 43)));
    }
}
