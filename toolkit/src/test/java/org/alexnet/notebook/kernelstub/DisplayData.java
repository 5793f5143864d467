package org.alexnet.notebook.kernelstub;

import java.util.LinkedHashMap;
import java.util.Map;

/** Stands in for jupyter-jvm-basekernel's DisplayData: mime type to data, as sent to the notebook. */
public final class DisplayData {
    public final Map<String, Object> data = new LinkedHashMap<>();

    public void putData(String mimeType, Object value) {
        data.put(mimeType, value);
    }
}
