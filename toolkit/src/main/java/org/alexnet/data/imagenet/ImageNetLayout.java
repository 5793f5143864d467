package org.alexnet.data.imagenet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.alexnet.data.DatasetException;

/**
 * The files and labels of a dataset in the ILSVRC-2012 layout.
 *
 * <pre>
 * ROOT/train/&lt;wnid&gt;/*.JPEG          training images, one folder per class
 * ROOT/val/&lt;wnid&gt;/*.JPEG            validation images in class folders, or
 * ROOT/val/*.JPEG                   flat, labelled by one of (first found):
 *   ROOT/val_labels.csv                 file,wnid
 *   ROOT/LOC_val_solution.csv           Kaggle's ImageId,PredictionString (first token = wnid)
 *   ROOT/ILSVRC2012_validation_ground_truth.txt + ROOT/synsets.txt
 *                                       devkit: one ILSVRC2012_ID per image, synsets in ID order
 * ROOT/synsets.txt or LOC_synset_mapping.txt   optional wnid → words, for class names
 * </pre>
 *
 * <p>The classes are the training folders in sorted order (label i = i-th wnid), optionally only the
 * first {@code maxClasses} of them, so 10- or 100-class subsets work; validation images of other
 * classes are left out.
 */
public final class ImageNetLayout {

    /** File name endings taken as images (case-insensitive). */
    public static final Set<String> IMAGE_EXTENSIONS = Set.of("jpeg", "jpg", "png", "bmp", "gif");

    private final Path root;
    private final List<String> wnids;
    private final Map<String, String> words;
    private final List<Path> trainFiles;
    private final int[] trainLabels;
    private final List<Path> valFiles;
    private final int[] valLabels;
    private final String valSource;

    private ImageNetLayout(
            Path root,
            List<String> wnids,
            Map<String, String> words,
            List<Path> trainFiles,
            int[] trainLabels,
            List<Path> valFiles,
            int[] valLabels,
            String valSource) {
        this.root = root;
        this.wnids = wnids;
        this.words = words;
        this.trainFiles = trainFiles;
        this.trainLabels = trainLabels;
        this.valFiles = valFiles;
        this.valLabels = valLabels;
        this.valSource = valSource;
    }

    /** Reads the layout under {@code root} with all classes. */
    public static ImageNetLayout read(Path root) {
        return read(root, 0);
    }

    /**
     * Reads the layout under {@code root}.
     *
     * @param maxClasses keep only the first N classes (sorted wnids); 0 = all
     * @throws DatasetException with a one-line message when the layout is missing or inconsistent
     */
    public static ImageNetLayout read(Path root, int maxClasses) {
        return read(root, maxClasses, message -> {});
    }

    /**
     * Reads the layout under {@code root}, telling {@code reporter} (one line each) what was left out:
     * validation images whose class is not a training folder, classes without validation images.
     *
     * @param maxClasses keep only the first N classes (sorted wnids); 0 = all
     * @throws DatasetException with a one-line message when the layout is missing or inconsistent: an
     *     empty training class folder (it would become a class that cannot be learned), or validation
     *     labels none of which names a training class
     */
    public static ImageNetLayout read(Path root, int maxClasses, Consumer<String> reporter) {
        if (maxClasses < 0) {
            throw new IllegalArgumentException("maxClasses must be >= 0: " + maxClasses);
        }
        Path train = root.resolve("train");
        if (!Files.isDirectory(train)) {
            throw new DatasetException(
                    root,
                    "no ImageNet training folder " + train
                            + ": expected ROOT/train/<wnid>/*.JPEG (see datasets/README.md, or run 'alexnet sample' for a small sample)");
        }
        List<String> wnids = new ArrayList<>();
        try (Stream<Path> s = Files.list(train)) {
            s.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("."))
                    .sorted()
                    .forEach(wnids::add);
        } catch (IOException e) {
            throw new DatasetException(train, "cannot list " + train + ": " + e.getMessage(), e);
        }
        if (wnids.isEmpty()) {
            throw new DatasetException(train, "no class folders in " + train + ": expected ROOT/train/<wnid>/*.JPEG");
        }
        Set<String> allClasses = Set.copyOf(wnids);
        if (maxClasses > 0 && maxClasses < wnids.size()) {
            wnids = new ArrayList<>(wnids.subList(0, maxClasses));
        }
        wnids = List.copyOf(wnids);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < wnids.size(); i++) {
            index.put(wnids.get(i), i);
        }
        List<Path> trainFiles = new ArrayList<>();
        List<Integer> trainLabels = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        for (int i = 0; i < wnids.size(); i++) {
            List<Path> files = images(train.resolve(wnids.get(i)));
            if (files.isEmpty()) {
                empty.add(wnids.get(i));
            }
            for (Path f : files) {
                trainFiles.add(f);
                trainLabels.add(i);
            }
        }
        if (trainFiles.isEmpty()) {
            throw new DatasetException(train, "no images in the class folders of " + train);
        }
        if (!empty.isEmpty()) {
            throw new DatasetException(
                    train,
                    empty.size() + " class folder" + (empty.size() == 1 ? "" : "s") + " in " + train
                            + (empty.size() == 1 ? " holds" : " hold") + " no images (" + firstOf(empty)
                            + "): each would be a class that cannot be learned;"
                            + " remove them or add their images");
        }
        Map<String, String> words = readWords(root);
        List<Path> valFiles = new ArrayList<>();
        List<Integer> valLabels = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        String valSource = readValidation(root, index, allClasses, valFiles, valLabels, unknown);
        if (!unknown.isEmpty()) {
            if (valFiles.isEmpty()) {
                throw new DatasetException(
                        root.resolve("val"),
                        "none of the " + unknown.size() + " validation images of "
                                + root + " (" + valSource + ") belongs to a class in " + train + " (" + firstOf(unknown)
                                + "): are the labels for this dataset?");
            }
            reporter.accept(String.format(
                    Locale.ROOT,
                    "note: %d validation image%s left out: %s not a class in %s (%s)",
                    unknown.size(),
                    unknown.size() == 1 ? "" : "s",
                    unknown.size() == 1 ? "its label is" : "their labels are",
                    train,
                    firstOf(unknown)));
        }
        boolean[] seen = new boolean[wnids.size()];
        valLabels.forEach(l -> seen[l] = true);
        List<String> unseen = new ArrayList<>();
        for (int i = 0; i < seen.length; i++) {
            if (!seen[i]) {
                unseen.add(wnids.get(i));
            }
        }
        if (!unseen.isEmpty() && !"none".equals(valSource)) {
            if (valFiles.isEmpty()) {
                throw new DatasetException(
                        root.resolve("val"),
                        "no validation images for the classes of " + train + " in " + root.resolve("val")
                                + ": add them (see datasets/README.md)");
            }
            reporter.accept(String.format(
                    Locale.ROOT,
                    "note: %d class%s no validation images (%s): %s accuracy is not measured",
                    unseen.size(),
                    unseen.size() == 1 ? " has" : "es have",
                    firstOf(unseen),
                    unseen.size() == 1 ? "its" : "their"));
        }
        return new ImageNetLayout(
                root,
                wnids,
                Collections.unmodifiableMap(words),
                List.copyOf(trainFiles),
                toArray(trainLabels),
                List.copyOf(valFiles),
                toArray(valLabels),
                valSource);
    }

    /** Up to three examples and how many more. */
    private static String firstOf(List<String> items) {
        List<String> first =
                items.subList(0, Math.min(3, items.size())).stream().distinct().toList();
        return "first: " + String.join(", ", first) + (items.size() > 3 ? ", ..." : "");
    }

    /**
     * Fills {@code files} and {@code labels} with the validation images of the chosen classes; images
     * whose class is not a training folder at all go to {@code unknown} as "file: wnid".
     */
    private static String readValidation(
            Path root,
            Map<String, Integer> index,
            Set<String> allClasses,
            List<Path> files,
            List<Integer> labels,
            List<String> unknown) {
        Path val = root.resolve("val");
        if (!Files.isDirectory(val)) {
            return "none";
        }
        List<String> folders = new ArrayList<>();
        try (Stream<Path> s = Files.list(val)) {
            s.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("."))
                    .sorted()
                    .forEach(folders::add);
        } catch (IOException e) {
            throw new DatasetException(val, "cannot list " + val + ": " + e.getMessage(), e);
        }
        if (!folders.isEmpty()) {
            for (String wnid : folders) {
                Integer label = index.get(wnid);
                if (label == null) {
                    if (!allClasses.contains(wnid)) {
                        images(val.resolve(wnid)).forEach(f -> unknown.add("val/" + wnid + "/" + f.getFileName()));
                    }
                    continue; // a class outside the chosen subset
                }
                for (Path f : images(val.resolve(wnid))) {
                    files.add(f);
                    labels.add(label);
                }
            }
            return "class folders";
        }
        Map<String, String> truth;
        String source;
        if (Files.exists(root.resolve("val_labels.csv"))) {
            source = "val_labels.csv";
            truth = readCsv(root.resolve(source), false);
        } else if (Files.exists(root.resolve("LOC_val_solution.csv"))) {
            source = "LOC_val_solution.csv";
            truth = readCsv(root.resolve(source), true);
        } else if (Files.exists(root.resolve("ILSVRC2012_validation_ground_truth.txt"))) {
            source = "ILSVRC2012_validation_ground_truth.txt";
            truth = readDevkit(root, images(val));
        } else {
            throw new DatasetException(
                    val,
                    "the images in " + val + " are not in class folders and there is no ground truth:"
                            + " put val_labels.csv, LOC_val_solution.csv or ILSVRC2012_validation_ground_truth.txt + synsets.txt in "
                            + root
                            + " (datasets/imagenet/prepare.sh sorts val into class folders)");
        }
        for (Path f : images(val)) {
            String name = f.getFileName().toString();
            String wnid = truth.get(name);
            if (wnid == null) {
                wnid = truth.get(stripExtension(name));
            }
            if (wnid == null) {
                throw new DatasetException(f, "no ground truth for " + f + " in " + root.resolve(source));
            }
            Integer label = index.get(wnid);
            if (label != null) {
                files.add(f);
                labels.add(label);
            } else if (!allClasses.contains(wnid)) {
                unknown.add(name + ": " + wnid);
            }
        }
        return source;
    }

    /** file → wnid from {@code file,wnid} lines, or Kaggle's {@code ImageId,PredictionString}. */
    private static Map<String, String> readCsv(Path csv, boolean kaggle) {
        Map<String, String> out = new HashMap<>();
        int n = 0;
        for (String line : lines(csv)) {
            n++;
            if (line.isBlank() || (n == 1 && (line.startsWith("ImageId") || line.startsWith("file")))) {
                continue;
            }
            int comma = line.indexOf(',');
            if (comma < 0) {
                throw new DatasetException(csv, csv + " line " + n + " is not 'file,wnid': " + line);
            }
            String file = line.substring(0, comma).trim();
            String rest = line.substring(comma + 1).trim();
            String wnid = kaggle ? rest.split("\\s+")[0] : rest;
            out.put(file, wnid);
            out.put(stripExtension(file), wnid);
        }
        return out;
    }

    /** The devkit's ground truth: line i holds the 1-based ILSVRC2012_ID of the i-th image in name order. */
    private static Map<String, String> readDevkit(Path root, List<Path> valImages) {
        Path truthFile = root.resolve("ILSVRC2012_validation_ground_truth.txt");
        Path synsets = root.resolve("synsets.txt");
        if (!Files.exists(synsets)) {
            throw new DatasetException(
                    synsets,
                    "the devkit ground truth needs " + synsets
                            + " (wnids in ILSVRC2012_ID order, written by datasets/imagenet/prepare.sh)");
        }
        List<String> idToWnid = new ArrayList<>();
        for (String line : lines(synsets)) {
            if (!line.isBlank()) {
                idToWnid.add(line.split("\\s+", 2)[0]);
            }
        }
        List<String> ids = lines(truthFile).stream().filter(l -> !l.isBlank()).toList();
        Map<String, String> out = new HashMap<>();
        for (Path f : valImages) {
            // ILSVRC2012_val_00000001.JPEG is the first line's image.
            String stem = stripExtension(f.getFileName().toString());
            int underscore = stem.lastIndexOf('_');
            int number;
            try {
                number = Integer.parseInt(stem.substring(underscore + 1));
            } catch (NumberFormatException e) {
                throw new DatasetException(
                        f, f + " is not named ILSVRC2012_val_NNNNNNNN: cannot match it to " + truthFile);
            }
            if (number < 1 || number > ids.size()) {
                throw new DatasetException(f, f + " has no line in " + truthFile + " (" + ids.size() + " lines)");
            }
            int id = Integer.parseInt(ids.get(number - 1).trim());
            if (id < 1 || id > idToWnid.size()) {
                throw new DatasetException(
                        truthFile,
                        truthFile + " line " + number + " has ILSVRC2012_ID " + id + " but " + synsets + " lists "
                                + idToWnid.size() + " synsets");
            }
            out.put(f.getFileName().toString(), idToWnid.get(id - 1));
        }
        return out;
    }

    private static Map<String, String> readWords(Path root) {
        Map<String, String> words = new LinkedHashMap<>();
        for (String name : List.of("synsets.txt", "LOC_synset_mapping.txt")) {
            Path p = root.resolve(name);
            if (Files.exists(p)) {
                for (String line : lines(p)) {
                    String[] parts = line.trim().split("\\s+", 2);
                    if (parts.length == 2) {
                        words.put(parts[0], parts[1].trim());
                    }
                }
                break;
            }
        }
        return words;
    }

    /** The image files directly inside {@code dir}, sorted by name. */
    static List<Path> images(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(ImageNetLayout::isImageName)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new DatasetException(dir, "cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean isImageName(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return !name.startsWith(".")
                && dot > 0
                && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException(p, "cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static String stripExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    public Path getRoot() {
        return root;
    }

    /** The class wnids; label i is {@code getWnids().get(i)}. */
    public List<String> getWnids() {
        return wnids;
    }

    public int getClassCount() {
        return wnids.size();
    }

    /** Readable class names: the words of the synset file when present, else the wnids. */
    public List<String> getClassNames() {
        List<String> names = new ArrayList<>(wnids.size());
        for (String w : wnids) {
            String s = words.get(w);
            names.add(s == null ? w : s.split(",")[0].trim());
        }
        return names;
    }

    public List<Path> getTrainFiles() {
        return trainFiles;
    }

    public int[] getTrainLabels() {
        return trainLabels.clone();
    }

    public List<Path> getValidationFiles() {
        return valFiles;
    }

    public int[] getValidationLabels() {
        return valLabels.clone();
    }

    /** Where the validation labels came from: "class folders", a ground-truth file name, or "none". */
    public String getValidationSource() {
        return valSource;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "ImageNet layout at %s: %d classes, %d training images, %d validation images (%s)",
                root,
                wnids.size(),
                trainFiles.size(),
                valFiles.size(),
                valSource);
    }
}
