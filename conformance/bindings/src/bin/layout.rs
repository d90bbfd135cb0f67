//! Layout through the dispatcher: a flex row styled by a shared `Style`, content-sized and
//! percentage-sized objects, a table and a line chart with two series. Values read back where
//! LVGL can give them; colours and radius are checked by the frame (compared with its golden).
use conformance_bindings::*;

fn main() {
    let window = window_create().expect("window_create");

    // The row's look comes from a style in the guest's memory: the host keeps its own copy
    // for this address, so the style works like one in a Xila application.
    let mut row_style = Style::new();
    style_init(&mut row_style).expect("style_init");
    style_set_bg_color(&mut row_style, Color(0x1E88E5)).expect("style_set_bg_color");
    style_set_radius(&mut row_style, 12).expect("style_set_radius");
    style_set_width(&mut row_style, percentage(94).unwrap()).expect("style_set_width");
    style_set_text_color(&mut row_style, Color(0xFFFFFF)).expect("style_set_text_color");

    // A row as wide as the style says and as high as its content, whose three labels flex
    // places left to right, evenly.
    let row = object_create(window).expect("object_create");
    object_add_style(row, &row_style, Part::MAIN).expect("object_add_style");
    object_set_height(row, SIZE_CONTENT).expect("object_set_height");
    object_set_pos(row, 10, 8).expect("object_set_pos");
    object_set_flex_flow(row, FlexFlow::ROW).expect("object_set_flex_flow");
    object_set_flex_align(row, FlexAlign::SPACE_EVENLY, FlexAlign::CENTER, FlexAlign::CENTER).expect("object_set_flex_align");
    for text in [c"one", c"two", c"three"] {
        let label = label_create(row).expect("label_create");
        label_set_text(label, text).expect("label_set_text");
    }
    object_update_layout(row).expect("object_update_layout");
    let xs: Vec<i32> = (0..3).map(|i| object_get_x(object_get_child(row, i).unwrap()).unwrap()).collect();
    println!("flex row: {} children at x {xs:?}", object_get_child_count(row).unwrap());
    println!("row: {}x{} (94 % of {}, content height)", object_get_width(row).unwrap(), object_get_height(row).unwrap(),
        object_get_content_width(window).unwrap());

    // A box sized by its content: one 50x20 child plus the box's padding and border on each side.
    let boxed = object_create(window).expect("object_create");
    object_set_size(boxed, SIZE_CONTENT, SIZE_CONTENT).expect("object_set_size");
    object_set_style_pad_all_sides(boxed, 6).expect("object_set_style_pad_all_sides");
    object_set_style_border_width(boxed, 2, Part::MAIN).expect("object_set_style_border_width");
    object_align(boxed, Align::BOTTOM_LEFT, 10, -8).expect("object_align");
    let inner = object_create(boxed).expect("object_create");
    object_set_size(inner, 50, 20).expect("object_set_size");
    object_update_layout(boxed).expect("object_update_layout");
    println!("content-sized box: {}x{}", object_get_width(boxed).unwrap(), object_get_height(boxed).unwrap());

    // A 2 x 2 table.
    let table = table_create(window).expect("table_create");
    table_set_row_count(table, 2).expect("table_set_row_count");
    table_set_column_count(table, 2).expect("table_set_column_count");
    for column in 0..2 {
        table_set_column_width(table, column, 70).expect("table_set_column_width");
    }
    for (row_index, column, text) in [(0, 0, c"x"), (0, 1, c"y"), (1, 0, c"1"), (1, 1, c"2")] {
        table_set_cell_value(table, row_index, column, text).expect("table_set_cell_value");
    }
    object_set_pos(table, 10, 64).expect("object_set_pos");
    println!("table: {} rows, {} columns, column width {}", table_get_row_count(table).unwrap(),
        table_get_column_count(table).unwrap(), table_get_column_width(table, 1).unwrap());

    // A line chart 40 % of the window wide: two series (handles from the dispatcher's series
    // table), a red rising one fed point by point, a green falling one set by index.
    let chart = chart_create(window).expect("chart_create");
    object_set_size(chart, percentage(40).unwrap(), 100).expect("object_set_size");
    object_set_pos(chart, 175, 70).expect("object_set_pos");
    chart_set_type(chart, ChartType::LINE).expect("chart_set_type");
    chart_set_point_count(chart, 8).expect("chart_set_point_count");
    chart_set_axis_range(chart, ChartAxis::PRIMARY_Y, 0, 100).expect("chart_set_axis_range");
    let rising = chart_add_series(chart, Color(0xE53935), ChartAxis::PRIMARY_Y).expect("chart_add_series");
    let falling = chart_add_series(chart, Color(0x43A047), ChartAxis::PRIMARY_Y).expect("chart_add_series");
    for value in [10, 20, 15, 40, 35, 60, 70, 90] {
        chart_set_next_value(chart, rising, value).expect("chart_set_next_value");
    }
    chart_set_all_values(chart, falling, 50).expect("chart_set_all_values");
    for (id, value) in [(0, 90), (2, 70), (4, 45), (6, 25), (7, 5)] {
        chart_set_series_value_by_id(chart, falling, id, value).expect("chart_set_series_value_by_id");
    }
    let mut walked = Vec::new();
    let mut next = chart_get_series_next(chart, ChartSeries::NONE).expect("chart_get_series_next");
    while next != ChartSeries::NONE {
        walked.push(next);
        next = chart_get_series_next(chart, next).expect("chart_get_series_next");
    }
    println!("chart series: {}, walked in order of creation: {}", walked.len(), walked == [rising, falling]);
    println!("series colours: {} {}", chart_get_series_color(chart, rising).unwrap(), chart_get_series_color(chart, falling).unwrap());
    println!("rising start point after 8 values: {}", chart_get_x_start_point(chart, rising).unwrap());
    object_update_layout(chart).expect("object_update_layout");
    println!("chart width: {}", object_get_width(chart).unwrap());
    println!("window children: {}", object_get_child_count(window).unwrap());
    println!("layout ok");
}
